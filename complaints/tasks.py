from celery import shared_task


@shared_task(acks_late=True)
def render_complaint_pdf(pdf_id: str) -> None:
    """Make one letter's PDF; a failure is recorded on its row in plain words."""
    from complaints.services import complaint_pdf_render

    complaint_pdf_render(pdf_id)
