from django.db import transaction

from cases.models import Case
from evidence.custody import Actor, custody_record


def case_create(*, actor: Actor, title: str, **fields) -> Case:
    """Create a case owned by the acting user, with its first custody event.

    `fields` are the Case's other descriptive fields (platform, description, …)."""
    with transaction.atomic():
        case = Case.objects.create(owner=actor.user, title=title, **fields)
        custody_record(case=case, action="case_created", actor=actor, title=title)
    return case
