from celery import shared_task

from evidence.models import EvidenceItem
from evidence.processing import item_process


@shared_task
def process_item(item_id: str) -> None:
    """Load the item and run its processing; an item deleted meanwhile is skipped."""
    item = EvidenceItem.objects.select_related("case").filter(pk=item_id).first()
    if item is not None:
        item_process(item)
