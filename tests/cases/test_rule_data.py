"""Table-driven checks of the rule data itself (cases/data/rules_cn.toml, complaints/data/citations.toml):
what every provision must carry, and which provision item each kind of finding cites."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.analysis.engine import Event, Sentence, analyse
from cases.analysis.rules import WORDING_STATUSES, load_rule_set
from complaints.channels import load_channels, provisions

CN = load_rule_set("CN")
ALL = provisions()  # the case rules' and the letters' own
SH = ZoneInfo("Asia/Shanghai")
BINDING = {"法律": "法律", "推荐性国家标准": "推荐性国家标准，非法律", "行业自律规范": "行业自律规范，非法律"}


@pytest.mark.parametrize("pid", sorted(ALL))
def test_every_provision_has_document_dates_binding_and_wording_status(pid):
    p = ALL[pid]
    assert p.document.get("title") and p.document.get("issuer") and p.document.get("kind")
    assert p.document.get("binding"), f"{pid}: the document's binding status is printed beside its name"
    assert p.effective_from is not None, f"{pid}: when it came into force"
    assert p.effective_to is None or p.effective_to > p.effective_from
    assert p.wording_status in WORDING_STATUSES and p.wording.strip() and p.article.strip()
    assert p.checked.strip(), f"{pid}: say where the wording was checked, or why not"


@pytest.mark.parametrize("pid", sorted(ALL))
def test_verbatim_text_is_never_cut(pid):
    p = ALL[pid]
    if p.wording_status == "verbatim":
        assert "……" not in p.wording and "..." not in p.wording
    if "……" in p.wording and p.wording_status != "to_confirm":
        assert p.wording_status in ("excerpt", "summary")


@pytest.mark.parametrize("kind,binding", sorted(BINDING.items()))
def test_binding_status_matches_the_kind_of_document(kind, binding):
    docs = {p.document["title"]: p.document for p in ALL.values() if p.document["kind"] == kind}
    assert docs and all(d["binding"] == binding for d in docs.values())


def test_the_collection_standard_is_the_recommended_national_standard_of_2025():
    standard = CN.provisions["standard-call-frequency"]
    assert "GB/T 45251—2025" in standard.document["title"] and standard.effective_from == date(2025, 2, 28)
    assert standard.document["binding"] == "推荐性国家标准，非法律"
    assert "主动有效通话" in standard.wording
    assert "双方未约定" in CN.provisions["standard-quiet-hours"].wording
    third = CN.provisions["standard-third-parties"].wording
    assert "无法联系到债务人本人" in third and "明确拒绝" in third
    before = CN.provisions["nifa2024-call-frequency"]
    assert before.document["kind"] == "行业自律规范" and before.effective_to == date(2025, 2, 28)


def test_the_old_public_security_text_reads_yi_not_yong():
    assert "或者以其他方法威胁他人人身安全" in CN.provisions["psl-2012-42-1"].wording
    assert "用其他方法" not in "".join(p.wording for p in ALL.values())


def test_the_2025_article_fifty_carries_the_contact_ban_and_the_higher_fine():
    item5 = CN.provisions["psl-2025-50-5"]
    assert item5.effective_from == date(2026, 1, 1) and "一千元以下罚款" in item5.wording
    assert "滋扰、纠缠、跟踪" in item5.wording
    assert "禁止接触被侵害人" in CN.provisions["psl-2025-50-para2"].wording
    assert "六个月" in CN.provisions["psl-2012-22"].wording and "六个月" in CN.provisions["psl-2025-limit"].wording


def _sentence(text: str, day: tuple[int, int, int], source: str = "recording") -> Sentence:
    year, month, dom = day
    # The collector's words as the user confirmed them: only such words count (issue 13).
    return Sentence(
        "e1", text, {"line": 1}, datetime(year, month, dom, 15, tzinfo=SH), source, "collector", "user", True
    )


BEFORE, AFTER = (2025, 6, 1), (2026, 2, 1)
ITEM_OF_FINDING = [
    # (finding rule, words, source, article cited before 2026, article cited from 2026)
    ("cn-threat", "小心你家人的安全", "recording", "第四十二条第（一）项", "第五十条第一款第（一）项"),
    ("cn-public-insult", "他们说你儿子是老赖", "statement", "第四十二条第（二）项", "第五十条第一款第（二）项"),
    ("cn-insult", "你这个老赖", "screenshot", "第四十二条第（五）项", "第五十条第一款第（五）项"),
    ("cn-harassment", "明天就去你单位找你", "recording", "第四十二条第（五）项", "第五十条第一款第（五）项"),
    ("cn-disclosure", "你儿子在我们平台欠钱不还", "statement", "第四十二条第（六）项", "第五十条第一款第（六）项"),
]


@pytest.mark.parametrize("rule,text,source,old,new", ITEM_OF_FINDING)
def test_each_finding_cites_the_item_of_the_public_security_law_that_fits(rule, text, source, old, new):
    for day, article in ((BEFORE, old), (AFTER, new)):
        found = next(f for f in analyse([], [_sentence(text, day, source)], CN) if f.rule == rule)
        articles = [p["article"] for p in found.provisions if "治安管理处罚法" in p["document"]]
        assert article in articles and len([a for a in articles if "第（" in a]) == 1


def test_harassment_after_2026_points_to_the_contact_ban():
    found = next(f for f in analyse([], [_sentence("明天就去你单位找你", AFTER)], CN) if f.rule == "cn-harassment")
    assert "第五十条第二款（禁止接触）" in [p["article"] for p in found.provisions]


def test_disclosing_the_debt_to_contacts_cites_item_six():
    contact = Event(
        "third_party_contact",
        datetime(BEFORE[0], BEFORE[1], BEFORE[2], 10, tzinfo=SH),
        "13812345678",
        "third_party",
        "母亲",
        [{"evidence": "s1"}],
    )
    found = next(f for f in analyse([contact], [], CN) if f.rule == "cn-third-party")
    assert "第四十二条第（六）项" in [p["article"] for p in found.provisions]


def test_impersonation_cites_swindling_and_forgery_not_article_fifty():
    found = next(f for f in analyse([], [_sentence("我们是朝阳区法院的", AFTER)], CN) if f.rule == "cn-impersonation")
    ids = {p["id"] for p in found.provisions}
    assert {"criminal-279", "criminal-280", "psl-2025-impersonation"} <= ids
    assert not any(i.startswith("psl-2025-50") for i in ids)
    assert found.title == "自称公检法、律师或仲裁机构（需核实身份）"


@pytest.mark.parametrize("rule", [r.id for r in CN.rules])
def test_rule_titles_do_not_assert_a_verdict(rule):
    rule = next(r for r in CN.rules if r.id == rule)
    for verdict in ("虚假恐吓", "冒充公检法", "违法行为", "违规催收"):
        assert verdict not in rule.title
    assert rule.title.startswith("线索：") == (rule.kind == "clue")


def test_unlawful_debt_offence_is_marked_as_such():
    assert ALL["criminal-293-1"].unlawful_debt_only and "非法债务" in ALL["criminal-293-1"].wording


@pytest.mark.parametrize(
    "code", ["platform", "regulator", "local_finance", "telecom", "nifa", "black_cat", "police", "court"]
)
def test_every_channel_id_exists(code):
    assert code in load_channels().channels
