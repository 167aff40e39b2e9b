"""Statement links: a harassed relative writes a statement and attaches their own
files without an account; the link works once and sees nothing else of the case."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import hash_token
from cases.models import Case, CaseNumber, Party, StatementLink
from cases.services import case_number_set, party_create
from evidence.custody import Actor, custody_record
from evidence.intake import filetypes, handler, resumable, services
from evidence.intake.quotas import quota_check
from evidence.models import ChunkedUpload, EvidenceItem
from evidence.storage import originals
from harassguard.lib import phone


class LinkInvalid(Exception):
    """Used, revoked, expired or unknown."""


def link_create(*, case: Case, actor: Actor, name: str, relation: str) -> tuple[StatementLink, str]:
    """Create a statement link; return it and the raw token for the URL (shown once)."""
    raw = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = StatementLink.objects.create(
            case=case,
            name=name,
            relation=relation,
            token_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=settings.STATEMENT_LINK_DAYS),
        )
        custody_record(case=case, action="statement_link_created", actor=actor, link=str(link.pk), name=name)
    return link, raw


def link_find(raw: str) -> StatementLink:
    """Return the open link for a token; raise LinkInvalid otherwise."""
    link = StatementLink.objects.select_related("case").filter(token_hash=hash_token(raw)).first()
    if link is None or link.used_at or link.revoked_at or link.expires_at <= timezone.now():
        raise LinkInvalid(raw)
    return link


def link_revoke(*, case: Case, actor: Actor, link_id) -> None:
    with transaction.atomic():
        if StatementLink.objects.filter(case=case, pk=link_id, used_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        ):
            custody_record(case=case, action="statement_link_revoked", actor=actor, link=str(link_id))


def statement_submit(
    *, raw: str, actor: Actor, text: str, contact: str, willing: bool, fields: dict, uploads: list, name: str = ""
) -> list:
    """Store the relative's statement and attachments as evidence; return the items.

    Every attachment is checked before anything is stored, so a bad file
    leaves nothing behind. The link is spent in the same transaction that
    records the statement and its files, so an error on the way loses nothing
    and leaves the link open for another try.
    """
    link = link_find(raw)
    if not text.strip():
        raise services.IntakeError("empty_statement", gettext("Write what happened before sending it."))
    kinds = [(upload, *_attachment_type(upload)) for upload in uploads]
    quota_check(link.case.owner, add_bytes=sum(upload.size for upload in uploads), add_items=1 + len(uploads))
    testify = "愿意出庭作证 / willing to testify" if willing else "不愿出庭作证 / not willing to testify"
    text = f"{text}\n\n{testify}\n\n经一次性链接在线提交，提交人身份未经核验 / sent online through a one-time link; identity not verified"
    # The name is the one the witness entered; the owner's name for the link is kept beside it.
    author = name.strip() or link.name
    # The slow part, writing the files, happens before the transaction; what is
    # written for nothing is removed again if the transaction fails.
    statement = services.statement_text(author_name=author, relation=link.relation, contact=contact, text=text).encode()
    files = [(ContentFile(statement), hashlib.sha256(statement).hexdigest())]
    files += [(upload, handler.sha256_of(upload)) for upload, _mime, _kind in kinds]
    stored = [(originals.store_original(content, sha256), sha256) for content, sha256 in files]
    try:
        with transaction.atomic():
            # The conditional UPDATE locks the link's row until commit: a second
            # submission waits, then finds it spent.
            if not StatementLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now()):
                raise LinkInvalid(raw)
            items = _store_statement(link, actor, text, contact, willing, fields, kinds, author)
    except BaseException:
        _remove_unused(stored)
        raise
    return items


def _store_statement(link, actor, text, contact, willing, fields, kinds, author: str) -> list:
    statement, _ = services.evidence_create_statement(
        case=link.case,
        actor=actor,
        author_name=author,
        relation=link.relation,
        contact=contact,
        text=text,
        fields={
            **fields,
            "metadata": {
                "willing_to_testify": willing,
                "statement_link": str(link.pk),
                "name_entered_by_witness": author,
                "name_given_by_owner": link.name,
            },
        },
    )
    items = [statement]
    for upload, mime, kind in kinds:
        # The file was checked and stored already (see statement_submit): only its rows are made here.
        item, _ = services.evidence_create(
            case=link.case,
            actor=actor,
            content=upload,
            sha256=handler.sha256_of(upload),
            size=upload.size,
            mime=mime,
            fields={
                "kind": kind,
                "original_filename": upload.name,
                "description": f"{link.relation} {author} 随证言提交",
                "metadata": {"statement": str(statement.pk)},
            },
        )
        items.append(item)
    custody_record(
        case=link.case, action="statement_link_used", actor=actor, link=str(link.pk), items=[str(i.pk) for i in items]
    )
    record_witness_numbers(link=link, actor=actor, contact=contact)
    return items


def record_witness_numbers(*, link: StatementLink, actor: Actor, contact: str) -> None:
    """The numbers a relative gives as their own are recorded as a third party's: never counted as a collector's,
    masked in the letters that hide third parties. A role the owner already confirmed is left as it is."""
    numbers = [
        n for n in phone.find_numbers(contact) if not link.case.numbers.filter(number=n, confirmed=True).exists()
    ]
    if not numbers:
        return
    person = link.case.parties.filter(kind=Party.Kind.PERSON, name=link.name, relation=link.relation).first()
    person = person or party_create(
        case=link.case, actor=actor, kind=Party.Kind.PERSON, name=link.name, relation=link.relation
    )
    for number in numbers:
        case_number_set(case=link.case, actor=actor, number=number, role=CaseNumber.Role.THIRD_PARTY, party=person)


def _remove_unused(stored: list[tuple[tuple[str, bool], str]]) -> None:
    """Delete originals written for a submission that was rolled back and that no item uses."""
    from evidence.models import EvidenceItem

    for (name, written), sha256 in stored:
        if written and not EvidenceItem.objects.filter(sha256=sha256).exists():
            originals.evidence_storage().delete(name)


def _attachment_type(upload) -> tuple[str, str]:
    """Return (MIME type, kind) of a relative's attachment; raise IntakeError for a refused one."""
    # A relative's own call log is kept as a document: its columns are not the victim's.
    mime, _kind = services.check_upload(upload, "document")
    kind = filetypes.kind_for(mime)
    return mime, "document" if kind == "call_log" else kind


def link_upload_begin(
    *, raw: str, name: str, filename: str, size: int, client_sha256: str, device_facts: dict
) -> ChunkedUpload:
    """Open an upload in pieces of a statement the relative records in the page; raise LinkInvalid
    for a spent link, IntakeError for a file that cannot be taken. The link stays open until it arrives."""
    link = link_find(raw)
    details = {
        "kind": EvidenceItem.Kind.SPOKEN_STATEMENT,
        "statement_link": str(link.pk),
        "author_name": name.strip() or link.name,
        "author_relation": link.relation,
        "description": f"{link.relation}{name.strip() or link.name}的口述陈述（在页面中录音）",
    }
    return resumable.upload_begin(
        case=link.case,
        user=None,
        filename=filename,
        size=size,
        client_sha256=client_sha256,
        details=details,
        device_facts=device_facts,
    )


def link_upload_get(raw: str, upload_id) -> ChunkedUpload:
    """The link's own upload; raise LinkInvalid otherwise. Once the recording has arrived (which spent
    the link) it can still be asked about, so a phone that lost the last answer learns it was received."""
    link = StatementLink.objects.filter(token_hash=hash_token(raw), revoked_at=None).first()
    upload = (
        ChunkedUpload.objects.select_related("case", "item")
        .filter(pk=upload_id, created_by=None, fields__statement_link=str(link.pk) if link else "")
        .first()
    )
    if link is None or upload is None:
        raise LinkInvalid(raw)
    if upload.item_id is None:
        link_find(raw)
    return upload


def link_upload_finish(upload: ChunkedUpload, actor: Actor, raw: str):
    """Take the recording in as the relative's statement and spend the link; return (item, created)."""
    link = link_find(raw)
    item, created = resumable.upload_finish(upload, actor)
    with transaction.atomic():
        StatementLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now())
        custody_record(
            case=link.case, action="statement_link_used", actor=actor, link=str(link.pk), items=[str(item.pk)]
        )
    return item, created
