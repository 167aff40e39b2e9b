"""Writing a letter's text from the case: the template's context, the rendering, the placeholders.

The templates are in templates/complaints/drafts/ (plain text, one per channel)
so that a lawyer can change the wording; the context they get is documented in
templates/complaints/drafts/README.md. Whatever the case does not hold becomes a
visible 【请填写：…】 placeholder for the user, never a guess.
"""

import re
from datetime import date
from zoneinfo import ZoneInfo

from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from cases.models import CaseNumber, ManualEvent, Party
from cases.services import CaseAnalysis
from complaints import facts
from complaints.channels import channel as channel_of
from complaints.channels import citations_for, load_channels
from complaints.masking import ThirdParties, mask_text, unmasked_left
from complaints.models import Complaint
from evidence.bundle.content import DEFAULT_PURPOSE, SOURCE, default_items
from evidence.models import Bundle, EvidenceItem
from harassguard.lib import phone

PLACEHOLDER = re.compile(r"【(请填写|选填)：([^】]+)】")
# Whom the letter goes to when the channel itself says it.
FIXED_RECIPIENT = {"regulator": "国家金融监督管理总局", "telecom": "12321网络不良与垃圾信息举报受理中心",
                   "nifa": "中国互联网金融协会"}


def fill(value, label: str) -> str:
    """The value, or a placeholder the user must fill."""
    return str(value).strip() if value not in (None, "") and str(value).strip() else f"【请填写：{label}】"


def optional(value, label: str) -> str:
    """The value, or a placeholder the user may fill (the letter stands without it)."""
    return str(value).strip() if value not in (None, "") and str(value).strip() else f"【选填：{label}】"


def to_fill(text: str) -> tuple[list[str], list[str]]:
    """The placeholders still in `text`: (required, optional), each once, in order of appearance."""
    found = PLACEHOLDER.findall(text)
    required = list(dict.fromkeys(label for kind, label in found if kind == "请填写"))
    return required, list(dict.fromkeys(label for kind, label in found if kind == "选填"))


def exhibit_rows(case, bundle: Bundle | None, tz: ZoneInfo) -> list[dict]:
    """The evidence list: the bundle's exhibits with their numbers, or the ready items unnumbered."""
    if bundle is not None:
        items: list[tuple[int | None, EvidenceItem]] = [
            (e.position, e.item) for e in bundle.entries.select_related("item").order_by("position")]
    else:
        items = [(None, item) for item in default_items(case)]
    return [{"number": n, "name": f"{item.get_kind_display()}：{item.original_filename}",
             "source": SOURCE.get(item.kind, ""), "purpose": item.purpose or DEFAULT_PURPOSE.get(item.kind, ""),
             "when": facts.day_zh(item.occurred_at.astimezone(tz)) if item.occurred_at else "",
             "item_id": str(item.pk)} for n, item in items]


def third_parties(case, complaint: Complaint) -> ThirdParties:
    """The relatives and colleagues who were contacted, and the numbers never to mask (victim's, collectors')."""
    statements = case.items.filter(kind=EvidenceItem.Kind.STATEMENT)
    names = set(statements.values_list("author_name", flat=True))
    names |= set(case.statement_links.values_list("name", flat=True))
    names |= set(case.manual_events.filter(kind=ManualEvent.Kind.THIRD_PARTY).values_list("contact_name", flat=True))
    names |= set(case.parties.filter(kind=Party.Kind.PERSON).values_list("name", flat=True))
    numbers = {n for contact in statements.values_list("author_contact", flat=True) for n in phone.find_numbers(contact)}
    numbers |= set(case.numbers.filter(role=CaseNumber.Role.THIRD_PARTY).values_list("number", flat=True))
    # Only numbers the victim confirmed as collectors' (or as her own) stay in full: any other number,
    # a mother's or a courier's, is masked wherever it appears.
    keep = set(case.numbers.filter(confirmed=True, role__in=[CaseNumber.Role.COLLECTOR, CaseNumber.Role.BORROWER])
               .values_list("number", flat=True)) | {phone.normalise(complaint.borrower_phone)}
    return ThirdParties({n.strip() for n in names if n.strip()}, numbers, keep)


def witness_numbers(case) -> dict[str, str]:
    """Evidence id → the witness's own number, for statements and the files a relative attached to them."""
    own = {str(pk): (phone.find_numbers(contact) or [""])[0]
           for pk, contact in case.items.filter(kind=EvidenceItem.Kind.STATEMENT).values_list("pk", "author_contact")}
    for pk, metadata in case.items.filter(metadata__has_key="statement").values_list("pk", "metadata"):
        own[str(pk)] = own.get(metadata["statement"], "")
    return {pk: number for pk, number in own.items() if number}


def draft_context(complaint: Complaint, analysis: CaseAnalysis, today: date) -> dict:
    """Everything a draft template may print; see templates/complaints/drafts/README.md."""
    case, ch = complaint.case, channel_of(complaint.channel)
    tz = ZoneInfo(analysis.rule_set.timezone)
    exhibits = exhibit_rows(case, complaint.bundle, tz)
    numbers = {row["item_id"]: row["number"] for row in exhibits if row["number"]}
    return {
        "channel": ch, "document": ch.document, "disclaimer": load_channels().disclaimer, "today": facts.day_zh(today),
        "masked": ch.masks_third_parties, **_parties(complaint, ch.code),
        "loan": fill(complaint.loan_description, "借款时间、金额及合同（订单）编号"),
        "repayment_plan": complaint.include_repayment_plan,
        "damages": fill(f"{complaint.damages_amount:,.2f}" if complaint.damages_amount is not None else "",
                        "赔偿金额（元）"),
        "damages_basis": fill(complaint.damages_basis, "损失的构成及计算（如医疗费、误工费、精神损害抚慰金）"),
        "findings": facts.finding_rows(analysis.findings, numbers),
        "numbers": facts.collector_numbers(analysis.events, tz, numbers),
        "contacts": facts.third_party_contacts(analysis.events, tz, numbers, witness_numbers(case)),
        "quotes": facts.quotes(analysis.findings, numbers), "accounts": facts.accounts(analysis.findings, numbers),
        "timeline": facts.timeline(analysis.events, tz, numbers),
        "exhibits": exhibits, "bundle": complaint.bundle,
        "bundle_made": facts.day_zh(complaint.bundle.finished or complaint.bundle.created) if complaint.bundle else "",
        "citations": citations_for(ch.code, facts.event_days(analysis.events, tz)),
        "earlier": earlier_steps(complaint),
    }


def earlier_steps(complaint: Complaint) -> list[dict]:
    """The case's other letters already filed, oldest first: regulators ask what the platform answered."""
    others = complaint.case.complaints.exclude(pk=complaint.pk).filter(filed_on__isnull=False).order_by("filed_on")
    return [{"channel": channel_of(c.channel).name_zh, "document": channel_of(c.channel).document,
             "filed": facts.day_zh(c.filed_on), "reference": c.reference, "replied": facts.day_zh(c.replied_on),
             "reply": c.reply_text.strip()} for c in others]


def _parties(complaint: Complaint, code: str) -> dict:
    case = complaint.case
    return {
        "victim": fill(complaint.borrower_name or case.victim_name, "您的姓名"),
        "id_number": fill(complaint.borrower_id_number, "身份证号码"),
        "phone": fill(complaint.borrower_phone, "您的联系电话"),
        "address": fill(complaint.borrower_address, "您的住址"),
        "platform": fill(case.platform, "借款平台或银行名称"),
        "collector": optional(case.collection_company, "催收公司名称（如知道）"),
        "collector_known": bool(case.collection_company.strip()),
        "recipient": FIXED_RECIPIENT.get(code) or fill(complaint.recipient or (case.platform if code == "platform" else ""),
                                                       {"platform": "借款平台或银行名称", "police": "公安局及派出所名称", "court": "人民法院名称"}
                                                       .get(code, "收件机构名称")),
    }


def tidy(text: str) -> str:
    """Strip trailing spaces and collapse the blank lines template tags leave behind."""
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render_draft(complaint: Complaint, analysis: CaseAnalysis, today: date) -> str:
    """Return the letter's text, with third parties masked when the channel does not need them."""
    context = draft_context(complaint, analysis, today)
    with translation.override("zh-hans"):
        # Plain text, not HTML: nothing to escape (the page and the PDF escape it when they show it).
        template = get_template(context["channel"].template).template  # type: ignore[attr-defined]  # the Django engine's
        text = tidy(template.render(Context(context, autoescape=False)))
    if context["masked"]:
        text = mask_edited(complaint, text)
    return text


def mask_edited(complaint: Complaint, text: str) -> str:
    """`text` with third parties masked when the complaint's channel masks them (as it is, otherwise).

    Applied to the user's own wording too: a number typed or pasted into a masked letter is masked
    unless the victim confirmed it as a collector's or her own."""
    if not channel_of(complaint.channel).masks_third_parties:
        return text
    return mask_text(text, third_parties(complaint.case, complaint), keep_names=_victim_names(complaint))


def unmasked_in_draft(complaint: Complaint, analysis: CaseAnalysis | None = None) -> list[str]:
    """Third parties' details that the user's edits show in full in a letter that should hide them."""
    return unmasked_in_text(complaint, complaint.draft_text)


def unmasked_in_text(complaint: Complaint, text: str) -> list[str]:
    """What `text` shows in full that the complaint's letter should hide (nothing for a letter that hides nothing)."""
    if not channel_of(complaint.channel).masks_third_parties:
        return []
    return unmasked_left(text, third_parties(complaint.case, complaint), keep_names=_victim_names(complaint))


def _victim_names(complaint: Complaint) -> set[str]:
    return {n for n in (complaint.borrower_name, complaint.case.victim_name) if n}
