"""The files sent with a letter: redacted copies only.

A letter to a channel that masks third parties (platform, regulators, 12321) or to a public site
(黑猫投诉) must never carry a relative's number, name or face: so no letter attaches an original.
What it attaches are the redacted copies made for that very channel (evidence.redaction), the
newest per item, of items not withdrawn. The police and the court get the originals through the
evidence bundle, never through a letter's attachments."""

from complaints.models import Complaint
from evidence.models import RedactedCopy


def letter_attachments(complaint: Complaint) -> list[RedactedCopy]:
    """The newest finished redacted copy made for the complaint's channel of each of the case's items, in item order."""
    copies = (
        RedactedCopy.objects.filter(
            item__case=complaint.case,
            reader=complaint.channel,
            status=RedactedCopy.Status.READY,
            item__withdrawn_at=None,
        )
        .select_related("item")
        .order_by("item__received_at", "-created")
    )
    newest: dict = {}
    for copy in copies:
        newest.setdefault(copy.item_id, copy)
    return list(newest.values())
