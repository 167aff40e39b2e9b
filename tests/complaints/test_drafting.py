"""Letters written from the case: the facts it holds, placeholders for what it does not, masking by channel."""

import re
from datetime import datetime

import pytest

from cases.models import Case
from complaints.drafting import to_fill
from complaints.models import Complaint

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHANNELS = Complaint.Channel.values
MASKED = {"platform", "regulator", "telecom", "nifa"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_case_with_full_data_gives_a_letter_with_its_facts(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle, borrower_phone="13700001111").draft_text
    assert text.startswith("【草稿】") and "不构成法律意见" in text
    assert "李明" in text and "13700001111" in text  # the victim's identity stays
    assert "13812345678" in text  # the collector's number is never masked
    assert "2025年5月12日" in text
    assert "None" not in text and "{{" not in text and "{%" not in text


@pytest.mark.parametrize("channel", sorted(MASKED))
def test_packets_that_do_not_need_them_mask_third_parties(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    assert "王芳" not in text and "13911112222" not in text
    assert "王*" in text or channel == "telecom" and "王" not in text.replace("王*", "")
    assert "已作部分隐藏" in text


@pytest.mark.parametrize("channel", ["police", "court"])
def test_police_and_court_carry_third_parties_in_full(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    assert "母亲 王芳" in text and "完整姓名" in text


def test_the_police_report_gives_a_witness_account_as_such_and_cites_the_law(full_case, bundle, draft):
    text = draft(full_case, "police", bundle=bundle).draft_text
    statement = bundle.entries.get(item__kind="statement").position
    # A relative's statement is her account of the words, never the collector's "原话".
    assert re.search(rf"证人称：“对方说明天就去你单位找你。”（见证据{statement}）", text), text
    assert "“对方说明天就去你单位找你。”（威胁）" not in text
    for words in ("寻衅滋事", "侵犯公民个人信息", "第四十二条", "第二百九十三条", "第二百五十三条之一", "事实经过"):
        assert words in text, words
    # The events are from 2025: the 2012 text applies, not the 2025 revision in force from 2026.
    assert "第五十条" not in text


def test_events_after_2026_cite_the_revised_article_marked_to_be_checked(full_case, draft):
    from cases.services import manual_event_add
    from evidence.custody import Actor

    manual_event_add(case=full_case, actor=Actor(user=full_case.owner), kind="call", number="13812345678",
                     occurred_at=datetime.fromisoformat("2026-02-01T10:00:00+08:00"))
    text = draft(full_case, "police").draft_text
    assert "第五十条" in text and "待律师核对" in text and "第四十二条" in text


def test_the_civil_complaint_claims_what_the_user_gives_and_cites_the_civil_code(full_case, bundle, draft):
    text = draft(full_case, "court", bundle=bundle, damages_amount=5000, damages_basis="精神损害抚慰金").draft_text
    assert "赔偿原告损失人民币5,000.00元（精神损害抚慰金）" in text
    for words in ("停止侵害", "赔礼道歉", "第一千零三十二条", "第一千零三十四条", "个人信息保护法", "被告二：某某信息咨询有限公司"):
        assert words in text, words


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_exhibit_number_cited_exists_in_the_bundle(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    cited = {int(n) for n in re.findall(r"证据(\d+)", text)}
    positions = set(bundle.entries.values_list("position", flat=True))
    assert cited and cited <= positions
    assert cited == positions  # the evidence list names every exhibit of the bundle
    for entry in bundle.entries.select_related("item"):
        assert f"证据{entry.position}：{entry.item.get_kind_display()}：{entry.item.original_filename}" in text


def test_without_a_bundle_the_evidence_is_listed_without_numbers(full_case, draft):
    text = draft(full_case, "platform").draft_text
    assert "尚未选定证据包" in text and "calls.csv" in text
    assert not re.search(r"证据\d", text)


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_almost_empty_case_gives_placeholders_never_invented_facts(alice, draft, channel):
    case = Case.objects.create(owner=alice, title="空案件")
    complaint = draft(case, channel)
    required, _optional = to_fill(complaint.draft_text)
    assert "您的姓名" in required
    assert "借款平台或银行名称" in required or channel == "telecom" and "您的联系电话" in required
    assert not re.search(r"证据\d", complaint.draft_text)
    for invented in ("None", "李明", "13812345678", "王芳", "某某"):
        assert invented not in complaint.draft_text, invented
    assert not re.search(r"1[3-9]\d{9}", complaint.draft_text)


def test_the_repayment_plan_is_offered_only_when_the_user_chooses(full_case, draft):
    assert "还款计划" not in draft(full_case, "platform").draft_text
    assert "愿意就上述借款与贵平台协商合理的还款计划" in draft(full_case, "platform",
                                                             include_repayment_plan=True).draft_text


def test_a_bundle_of_another_case_is_refused(alice, full_case, bundle, draft):
    from complaints.services import ComplaintRefused

    other = Case.objects.create(owner=alice, title="另一个案件")
    with pytest.raises(ComplaintRefused):
        draft(other, "police", bundle=bundle)
