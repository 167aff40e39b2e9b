"""The one place that decides who may see and do what in a case.

The owner may do everything; a lawyer reads everything and may make bundles;
a viewer only reads. Anyone else gets 404, never 403: a stranger must not
learn that a case exists. A member asking for more than their role allows
gets 403.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.second_factor import lawyer_needs_second_factor
from cases.models import Case, Membership
from complaints.models import Complaint
from evidence.models import Bundle, CaseExport, ChunkedUpload, EvidenceItem, RedactedCopy, Redaction

OWNER = "owner"


class Need(StrEnum):
    """What a view needs to do with a case."""

    READ = "read"  # see the case and its evidence
    BUILD = "build"  # make bundles and letters from it
    OWN = "own"  # change what it holds, share it


# Which roles may do what.
ALLOWED = {
    Need.READ: {OWNER, Membership.Role.LAWYER, Membership.Role.VIEWER},
    Need.BUILD: {OWNER, Membership.Role.LAWYER},
    Need.OWN: {OWNER},
}


def cases_for_user(user):
    """Return the cases `user` may see: their own and those shared with them (not revoked).

    A lawyer who must sign in with a second factor and did not sees none of the cases shared
    with them as lawyer, here as on each case's own page."""
    if not user.is_authenticated:
        return Case.objects.none()
    shared = Membership.objects.filter(user=user, revoked_at=None)
    if lawyer_needs_second_factor(user):
        shared = shared.exclude(role=Membership.Role.LAWYER)
    return Case.objects.filter(Q(owner=user) | Q(pk__in=shared.values("case_id")))


def cases_waiting_for_second_factor(user) -> int:
    """How many cases shared with `user` as lawyer stay hidden until they give the second factor."""
    if not user.is_authenticated or not lawyer_needs_second_factor(user):
        return 0
    return Membership.objects.filter(user=user, revoked_at=None, role=Membership.Role.LAWYER).count()


def role_of(user, case: Case) -> str | None:
    """Return "owner", "lawyer", "viewer", or None for someone with no access."""
    if not user.is_authenticated:
        return None
    if case.owner_id == user.pk:
        return OWNER
    return Membership.objects.filter(case=case, user=user, revoked_at=None).values_list("role", flat=True).first()


def _check(user, case: Case, need: Need) -> None:
    role = role_of(user, case)
    if role is None:
        raise Http404("no such case")
    if role not in ALLOWED[need]:
        raise PermissionDenied("your role does not allow this")
    if role == Membership.Role.LAWYER and lawyer_needs_second_factor(user):
        raise PermissionDenied("lawyers must sign in with a second factor")


def get_case_for_user(user, case_id, need: Need = Need.READ) -> Case:
    """Return the case if `user` may do what `need` says with it; 404 for strangers, 403 for members."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise Http404("no such case")
    _check(user, case, need)
    return case


def get_item_for_user(user, item_id, need: Need = Need.READ) -> EvidenceItem:
    """Return the evidence item if `user` may `need` its case; as get_case_for_user."""
    item = EvidenceItem.objects.select_related("case").filter(pk=item_id).first()
    if item is None:
        raise Http404("no such item")
    _check(user, item.case, need)
    return item


def get_bundle_for_user(user, bundle_id, need: Need = Need.READ) -> Bundle:
    """Return the bundle if `user` may `need` its case; as get_case_for_user."""
    bundle = Bundle.objects.select_related("case").filter(pk=bundle_id).first()
    if bundle is None:
        raise Http404("no such bundle")
    _check(user, bundle.case, need)
    return bundle


def get_upload_for_user(user, upload_id) -> ChunkedUpload:
    """Return an unfinished upload to the person who began it, while they still own the case; 404 otherwise."""
    upload = ChunkedUpload.objects.select_related("case").filter(pk=upload_id).first()
    if upload is None or not user.is_authenticated or upload.created_by_id != user.pk:
        raise Http404("no such upload")
    _check(user, upload.case, Need.OWN)
    return upload


def get_complaint_for_user(user, complaint_id, need: Need = Need.READ):
    """Return the complaint if `user` may `need` its case; as get_case_for_user."""
    complaint = Complaint.objects.select_related("case", "bundle").filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404("no such complaint")
    _check(user, complaint.case, need)
    return complaint


def get_export_for_user(user, export_id) -> CaseExport:
    """Return a full copy of a case to the case's owner only; 404 to everyone else, members too:
    the copy is the owner's own backup, and a lawyer need not learn that one was made."""
    export = CaseExport.objects.select_related("case").filter(pk=export_id).first()
    if export is None or role_of(user, export.case) != OWNER:
        raise Http404("no such export")
    return export


def get_redaction_for_user(user, redaction_id, need: Need = Need.BUILD) -> Redaction:
    """Return a redaction (what a copy for one reader hides) if `user` may `need` its case; as get_case_for_user."""
    redaction = Redaction.objects.select_related("item", "item__case").filter(pk=redaction_id).first()
    if redaction is None:
        raise Http404("no such redaction")
    _check(user, redaction.item.case, need)
    return redaction


def get_redacted_copy_for_user(user, copy_id, need: Need = Need.READ) -> RedactedCopy:
    """Return a redacted copy if `user` may `need` its case; as get_case_for_user."""
    copy = RedactedCopy.objects.select_related("item", "item__case").filter(pk=copy_id).first()
    if copy is None:
        raise Http404("no such copy")
    _check(user, copy.item.case, need)
    return copy
