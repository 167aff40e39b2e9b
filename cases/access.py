"""The one place that decides who may see a case or an item.

Everyone who may not see it gets 404, never 403: a stranger must not learn
that a case exists.
"""

from django.http import Http404

from cases.models import Case
from evidence.models import Bundle, EvidenceItem


def cases_for_user(user):
    """Return the cases `user` may see."""
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(owner=user)


def get_case_for_user(user, case_id) -> Case:
    """Return the case if `user` may see it; raise Http404 otherwise."""
    case = cases_for_user(user).filter(pk=case_id).first()
    if case is None:
        raise Http404("no such case")
    return case


def get_item_for_user(user, item_id) -> EvidenceItem:
    """Return the evidence item if `user` may see its case; raise Http404 otherwise."""
    item = (
        EvidenceItem.objects.select_related("case")
        .filter(pk=item_id, case__in=cases_for_user(user))
        .first()
    )
    if item is None:
        raise Http404("no such item")
    return item


def get_bundle_for_user(user, bundle_id) -> Bundle:
    """Return the bundle if `user` may see its case; raise Http404 otherwise."""
    bundle = Bundle.objects.select_related("case").filter(pk=bundle_id, case__in=cases_for_user(user)).first()
    if bundle is None:
        raise Http404("no such bundle")
    return bundle
