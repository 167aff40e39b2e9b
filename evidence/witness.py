"""Witness statements a court can use: the printable 证人证言 form filled from an online statement,
and the signed scan uploaded back and linked to it.

A statement written through a link is an online account whose author nobody has verified; a court
wants the witness's signed, dated statement with their ID (证据规定 第六十八条、第六十九条). The form
carries what the statement holds and leaves the rest for the witness to write by hand.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from evidence.bundle.content import from_link, own_account, statement_body
from evidence.bundle.pdf import html_to_pdf
from evidence.custody import Actor, custody_record
from evidence.intake import services
from evidence.models import EvidenceItem
from evidence.storage.originals import evidence_storage


class NotAWitnessStatement(Exception):
    """Only a statement by someone other than the victim becomes a 证人证言 form."""


def check_witness_statement(item: EvidenceItem) -> None:
    if item.kind != EvidenceItem.Kind.STATEMENT or own_account(item, item.case.victim_name):
        raise NotAWitnessStatement(str(item.pk))


def witness_form_pdf(*, item: EvidenceItem, actor: Actor) -> bytes:
    """Return the printable 证人证言 form for a relative's or colleague's statement; record the export."""
    check_witness_statement(item)
    with evidence_storage().open(item.stored_name, "rb") as fh:
        body = statement_body(fh.read().decode("utf-8", errors="replace"))
    html = render_to_string(
        "evidence/witness_form.html",
        {
            "item": item,
            "case": item.case,
            "body": body.strip(),
            "online": from_link(item),
            "submitted": timezone.localtime(item.received_at),
        },
    )
    data = html_to_pdf(html)
    custody_record(case=item.case, item=item, action="witness_form_exported", actor=actor)
    return data


def signed_form_upload(*, item: EvidenceItem, actor: Actor, upload) -> tuple[EvidenceItem, bool]:
    """Take in the scan of the signed form as evidence of its own, linked to the statement it was printed from."""
    check_witness_statement(item)
    fields = {
        "signed_form_of": item,
        "author_name": item.author_name,
        "author_relation": item.author_relation,
        "description": f"{item.author_relation}{item.author_name}签名的证人证言",
        "occurred_at": item.occurred_at,
    }
    return services.evidence_create_from_upload(
        case=item.case, actor=actor, upload=upload, kind=EvidenceItem.Kind.WITNESS_FORM, fields=fields
    )
