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
from evidence.bundle.content import DEFAULT_PURPOSE, SOURCE, default_items, describe
from evidence.models import Bundle, EvidenceItem
from harassguard.lib import phone

PLACEHOLDER = re.compile(r"【(请填写|选填)：([^】]+)】")
# Whom the letter goes to when the channel itself says it.
FIXED_RECIPIENT = {
    "regulator": "国家金融监督管理总局",
    "telecom": "12321网络不良与垃圾信息举报受理中心",
    "nifa": "中国互联网金融协会",
    "black_cat": "黑猫投诉（新浪）",
}
RECIPIENT_LABEL = {
    "platform": "借款平台或银行名称",
    "police": "公安局及派出所名称",
    "court": "人民法院名称",
    "local_finance": "当地地方金融管理局名称（不确定时可拨打12345转办）",
}


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
        items: list[tuple[str | None, EvidenceItem]] = [
            (e.label or str(e.position), e.item) for e in bundle.entries.select_related("item").order_by("position")
        ]
    else:
        items = [(None, item) for item in default_items(case)]
    return [
        {
            "number": n,
            "name": describe(item, tz),
            "source": SOURCE.get(item.kind, ""),
            "purpose": item.purpose or DEFAULT_PURPOSE.get(item.kind, ""),
            "when": facts.day_zh(item.occurred_at.astimezone(tz)) if item.occurred_at else "",
            "item_id": str(item.pk),
        }
        for n, item in items
    ]


def third_parties(case, complaint: Complaint) -> ThirdParties:
    """The relatives and colleagues who were contacted, and the numbers never to mask (victim's, collectors')."""
    statements = case.items.filter(kind=EvidenceItem.Kind.STATEMENT)
    names = set(statements.values_list("author_name", flat=True))
    names |= set(case.statement_links.values_list("name", flat=True))
    names |= set(case.manual_events.filter(kind=ManualEvent.Kind.THIRD_PARTY).values_list("contact_name", flat=True))
    names |= set(case.parties.filter(kind=Party.Kind.PERSON).values_list("name", flat=True))
    numbers = {
        n for contact in statements.values_list("author_contact", flat=True) for n in phone.find_numbers(contact)
    }
    numbers |= set(case.numbers.filter(role=CaseNumber.Role.THIRD_PARTY).values_list("number", flat=True))
    # Only numbers the victim confirmed as collectors' (or as her own) stay in full: any other number,
    # a mother's or a courier's, is masked wherever it appears.
    keep = set(
        case.numbers.filter(confirmed=True, role__in=[CaseNumber.Role.COLLECTOR, CaseNumber.Role.BORROWER]).values_list(
            "number", flat=True
        )
    ) | {phone.normalise(complaint.borrower_phone)}
    return ThirdParties({n.strip() for n in names if n.strip()}, numbers, keep)


def witness_numbers(case) -> dict[str, str]:
    """Evidence id → the witness's own number, for statements and the files a relative attached to them."""
    own = {
        str(pk): (phone.find_numbers(contact) or [""])[0]
        for pk, contact in case.items.filter(
            kind__in=[EvidenceItem.Kind.STATEMENT, EvidenceItem.Kind.SPOKEN_STATEMENT]
        ).values_list("pk", "author_contact")
    }
    for pk, metadata in case.items.filter(metadata__has_key="statement").values_list("pk", "metadata"):
        own[str(pk)] = own.get(metadata["statement"], "")
    return {pk: number for pk, number in own.items() if number}


def draft_context(complaint: Complaint, analysis: CaseAnalysis, today: date) -> dict:
    """Everything a draft template may print; see templates/complaints/drafts/README.md."""
    case, ch = complaint.case, channel_of(complaint.channel)
    tz = ZoneInfo(analysis.rule_set.timezone)
    # A public site gets no evidence list: the files of relatives must never be posted there.
    exhibits = [] if ch.public else exhibit_rows(case, complaint.bundle, tz)
    numbers = {row["item_id"]: row["number"] for row in exhibits if row["number"]}
    # Possible violations only: clues and days at the daily limit are facts, never cited as violations.
    violations = [f for f in analysis.findings if f.kind == "violation"]
    unlawful = case.debt_may_be_unlawful
    return {
        "channel": ch,
        "document": ch.document,
        "disclaimer": load_channels().disclaimer,
        "today": facts.day_zh(today),
        "masked": ch.masks_third_parties,
        "public": ch.public,
        **_parties(complaint, ch.code),
        "loan": fill(complaint.loan_description, "借款时间、金额及合同（订单）编号；实际放款机构以借款合同为准"),
        "repayment_plan": complaint.include_repayment_plan,
        "dispute_amounts": complaint.dispute_amounts,
        "lender_kind": case.get_lender_kind_display() if case.lender_kind else "",
        "unlawful_debt": unlawful,
        **_court(complaint),
        "findings": facts.finding_rows(violations, numbers),
        "clues": facts.finding_rows([f for f in analysis.findings if f.kind == "clue"], numbers),
        "at_limit": facts.finding_rows([f for f in analysis.findings if f.kind == "at_limit"], numbers),
        "numbers": facts.collector_numbers(analysis.events, tz, numbers),
        # The numbers listed are only those the victim confirmed as the collectors' (CaseNumber).
        "numbers_confirmed": True,
        "contacts": facts.third_party_contacts(analysis.events, tz, numbers, witness_numbers(case)),
        "quotes": facts.quotes(analysis.findings, numbers),
        "accounts": facts.accounts(analysis.findings, numbers),
        "timeline": facts.timeline(analysis.events, tz, numbers),
        "exhibits": exhibits,
        "bundle": complaint.bundle,
        "bundle_made": facts.day_zh(complaint.bundle.finished or complaint.bundle.created) if complaint.bundle else "",
        "citations": _citations(ch.code, violations, facts.event_days(analysis.events, tz), case.lender_kind, unlawful),
        "offences": facts.offence_names(violations, unlawful),
        "earlier": earlier_steps(complaint),
    }


def _citations(code: str, findings, days, lender_kind: str, unlawful: bool) -> list[dict]:
    """The letter's provisions; a police report cites only what the findings point to (and the contact
    ban, the six-month limit, and for an unlawful debt 刑法第二百九十三条之一)."""
    if code != "police":
        return citations_for(code, days, lender_kind, unlawful)
    offences = load_channels().police_offences or {}
    wanted = {p["id"] for f in findings for p in f.provisions} | set(offences.get("always", ()))
    wanted |= {pid for f in findings for pid in offences.get(f.category, ())}
    if unlawful and findings:
        wanted |= set(offences.get("unlawful_debt", ()))
    return citations_for(code, days, lender_kind, unlawful, only=wanted)


def _money(value) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _court(complaint: Complaint) -> dict:
    """The court letter's claim, item by item, each printed only when the user gives an amount."""
    items = [
        (
            "精神损害抚慰金",
            complaint.damages_mental,
            "民法典第一千一百八十三条；需证明造成严重精神损害，请附诊断证明、病历等",
        ),
        (
            "医疗费、误工费",
            complaint.damages_medical,
            "民法典第一千一百七十九条；仅在健康受到损害时主张，请附医疗票据、误工证明",
        ),
        ("其他财产损失", complaint.damages_property, "民法典第一千一百八十二条；请附损失凭证"),
        ("为制止侵权支出的合理费用（公证费、律师费、交通费等）", complaint.damages_costs, "请附票据"),
    ]
    claimed = [
        {"label": label, "amount": _money(amount), "basis": basis}
        for label, amount, basis in items
        if amount is not None
    ]
    witnesses = [line.strip() for line in complaint.witnesses.splitlines() if line.strip()]
    defendants = 2 if complaint.case.collection_company.strip() else 1
    return {
        "damages": claimed,
        "damages_total": _money(sum(i[1] for i in items if i[1] is not None)) if claimed else "",
        "damages_basis": complaint.damages_basis.strip(),
        "witnesses": witnesses,
        "defendants": defendants,
        "copies": defendants,
        "occupation": fill(complaint.borrower_occupation, "职业及工作单位"),
    }


def earlier_steps(complaint: Complaint) -> list[dict]:
    """The case's other letters already filed, oldest first: regulators ask what the platform answered."""
    others = complaint.case.complaints.exclude(pk=complaint.pk).filter(filed_on__isnull=False).order_by("filed_on")
    return [
        {
            "channel": channel_of(c.channel).name_zh,
            "document": channel_of(c.channel).document,
            "filed": facts.day_zh(c.filed_on),
            "reference": c.reference,
            "replied": facts.day_zh(c.replied_on),
            "reply": c.reply_text.strip(),
        }
        for c in others
    ]


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
        "recipient": FIXED_RECIPIENT.get(code)
        or fill(
            complaint.recipient or (case.platform if code == "platform" else ""),
            RECIPIENT_LABEL.get(code, "收件机构名称"),
        ),
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
