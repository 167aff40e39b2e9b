"""Closing an account: the owner's files are deleted from storage, their custody chains stay.

Custody records are append-only (a database trigger refuses to delete them) and others may hold
bundles whose custody head must still be found in the chain, so a closed case keeps its chain and
gains a last event, `case_closed` (the tombstone), listing what was deleted; the chain still
verifies and a bundle given to a lawyer before still passes `verify_bundle`. Its files (originals,
derived files, bundles, letters' PDFs, exports, unfinished uploads) are deleted; an original whose
bytes another open case also holds stays for that case (originals are stored once per hash).

Cases of others in which the user is a lawyer or viewer are not theirs to delete: their membership
ends, with a `member_account_closed` event in that case's chain, and their notes stay part of the
owner's record. The user row stays (custody events name it) but no longer signs in or shows a name.
"""

import logging
import secrets
from dataclasses import dataclass, field

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.credentials import revoke_tokens
from accounts.models import RecoveryCode, SignIn
from accounts.second_factor import second_factor_reset
from cases.models import Case, Invitation, Membership, StatementLink
from complaints.models import Complaint, ComplaintPdf
from evidence.custody import Actor, custody_record
from evidence.custody_anchors import custody_anchor
from evidence.export.services import export_delete_files
from evidence.intake.resumable import upload_discard
from evidence.models import (
    Bundle,
    CaseExport,
    ChunkedUpload,
    DerivedFile,
    EvidenceItem,
    Note,
    OcrResult,
    ProcessingJob,
    Transcript,
)
from evidence.processing import timestamps
from evidence.storage.originals import evidence_storage

log = logging.getLogger(__name__)
CLOSED_TITLE = "已关闭 / closed"


@dataclass
class Closed:
    cases: list[str] = field(default_factory=list)  # ids of the cases closed
    left: list[str] = field(default_factory=list)  # ids of others' cases the user left
    files_deleted: int = 0


def account_close(*, user, actor: Actor) -> Closed:
    """Close `user`'s account: their cases' files deleted (tombstones kept), their memberships ended,
    their sign-ins, tokens and second factor gone, the account unable to sign in."""
    closed = Closed()
    for case in Case.objects.filter(owner=user, closed_at=None):
        closed.files_deleted += case_close(case, actor)
        closed.cases.append(str(case.pk))
    for membership in Membership.objects.filter(user=user, revoked_at=None).select_related("case"):
        with transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(revoked_at=timezone.now())
            custody_record(case=membership.case, action="member_account_closed", actor=actor, role=membership.role)
        closed.left.append(str(membership.case_id))
    _deactivate(user)
    return closed


def _delete(name: str) -> int:
    """Delete one stored file; return 1 if it was there. Storage that fails to delete raises."""
    storage = evidence_storage()
    if not name or not storage.exists(name):
        return 0
    storage.delete(name)
    if storage.exists(name):
        raise OSError(f"the storage still holds {name} after deleting it")
    return 1


def _shared_original(item: EvidenceItem) -> bool:
    """Whether another open case holds the same bytes (one stored original serves both)."""
    others = EvidenceItem.objects.filter(stored_name=item.stored_name).exclude(case=item.case_id)
    return others.filter(case__closed_at=None).exists()


def case_close(case: Case, actor: Actor) -> int:
    """Delete every file of the case from storage and leave the tombstone; return the files deleted."""
    ProcessingJob.objects.filter(item__case=case, status__in=["pending", "running"]).update(status="skipped")
    for upload in ChunkedUpload.objects.filter(case=case):
        upload_discard(upload)
    deleted = {"exports": 0, "bundles": 0, "letters": 0, "derived": 0, "originals": 0}
    for export in CaseExport.objects.filter(case=case):
        deleted["exports"] += len(export.parts)
        export_delete_files(export)
    CaseExport.objects.filter(case=case).update(status=CaseExport.Status.EXPIRED, parts=[])
    for bundle in Bundle.objects.filter(case=case):
        deleted["bundles"] += _delete(bundle.pdf_name) + _delete(bundle.zip_name)
    for pdf in ComplaintPdf.objects.filter(complaint__case=case):
        deleted["letters"] += _delete(pdf.stored_name)
    for derived in DerivedFile.objects.filter(item__case=case):
        deleted["derived"] += _delete(derived.stored_name)
    items = list(EvidenceItem.objects.filter(case=case))
    kept = [i.sha256 for i in items if _shared_original(i)]
    deleted["originals"] = sum(_delete(i.stored_name) for i in items if i.sha256 not in kept)
    _forget_contents(case)
    custody_record(
        case=case,
        action="case_closed",
        actor=actor,
        reason="the owner closed their account",
        deleted=deleted,
        originals=[i.sha256 for i in items],
        kept_for_other_cases=len(kept),
    )
    _anchor_tombstone(case)
    return sum(deleted.values())


def _forget_contents(case: Case) -> None:
    """Clear what the case said in the database, keeping what its custody chain and others' bundles
    rely on (item rows with their hashes, time stamps, bundle entries, custody events and anchors)."""
    with transaction.atomic():
        now = timezone.now()
        DerivedFile.objects.filter(item__case=case).delete()
        Transcript.objects.filter(item__case=case).delete()
        OcrResult.objects.filter(item__case=case).delete()
        Note.objects.filter(case=case).delete()
        Complaint.objects.filter(case=case).delete()
        case.manual_events.all().delete()
        case.numbers.all().delete()
        case.parties.all().delete()
        EvidenceItem.objects.filter(case=case).update(
            description="",
            author_name="",
            author_contact="",
            capture_note="",
            identity_clues="",
            metadata={},
            withdrawn_at=now,
            withdrawn_reason="account closed",
        )
        Membership.objects.filter(case=case, revoked_at=None).update(revoked_at=now)
        Invitation.objects.filter(case=case, revoked_at=None).update(revoked_at=now)
        StatementLink.objects.filter(case=case, revoked_at=None).update(revoked_at=now)
        Case.objects.filter(pk=case.pk).update(
            title=CLOSED_TITLE, platform="", description="", victim_name="", collection_company="", closed_at=now
        )


def _anchor_tombstone(case: Case) -> None:
    """Time-stamp the chain's final head, so a later cut of the tombstone shows."""
    try:
        custody_anchor(case, "closed")
    except (timestamps.TsaUnavailable, timestamps.TsaRefused):
        log.warning("closed case %s: its final custody head could not be time-stamped", case.pk)


def _deactivate(user) -> None:
    revoke_tokens(user)
    second_factor_reset(user)
    RecoveryCode.objects.filter(user=user).delete()
    keys = list(SignIn.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    SignIn.objects.filter(user=user).delete()
    for upload in ChunkedUpload.objects.filter(created_by=user):
        upload_discard(upload)
    user.username = f"closed-{secrets.token_hex(6)}"
    user.email = user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.save()
