"""Letters written from the case: the facts it holds, placeholders for what it does not, masking by channel."""

import re
from datetime import datetime

import pytest

from cases.models import Case
from complaints.drafting import to_fill
from complaints.models import Complaint

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHANNELS = Complaint.Channel.values
MASKED = {"platform", "regulator", "local_finance", "telecom", "nifa", "black_cat"}
# The public site gets neither the victim's identity nor the numbers: only the masked account of what happened.
PUBLIC = {"black_cat"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_case_with_full_data_gives_a_letter_with_its_facts(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle, borrower_phone="13700001111").draft_text
    assert text.startswith("【草稿】") and "不构成法律意见" in text
    if channel not in PUBLIC:
        assert "李明" in text and "13700001111" in text  # the victim's identity stays
        assert "13812345678" in text  # the collector's number is never masked
    assert "2025年5月12日" in text
    assert "None" not in text and "{{" not in text and "{%" not in text


def test_the_public_channel_warns_and_lists_no_evidence_files(full_case, bundle, draft):
    text = draft(full_case, "black_cat", bundle=bundle, borrower_id_number="110101199001011234").draft_text
    assert "公开平台" in text and "不要上传亲友的证言、录音或截图" in text
    assert "证据清单" not in text and "calls.csv" not in text and "110101199001011234" not in text
    assert "王芳" not in text and "13911112222" not in text


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_standard_is_cited_with_its_status_beside_its_name(full_case, draft, channel):
    text = draft(full_case, channel).draft_text
    if "GB/T 45251—2025" in text:
        assert "GB/T 45251—2025）》（推荐性国家标准，非法律）" in text
    assert "必须遵守" not in text


@pytest.mark.parametrize("channel", sorted(MASKED))
def test_packets_that_do_not_need_them_mask_third_parties(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    assert "王芳" not in text and "13911112222" not in text
    assert "王*" in text or channel in ("telecom", "black_cat") and "王" not in text.replace("王*", "")
    assert "已作部分隐藏" in text


@pytest.mark.parametrize("channel", ["police", "court"])
def test_police_and_court_carry_third_parties_in_full(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    assert "母亲 王芳" in text and "完整姓名" in text


def test_the_police_report_names_the_offences_the_findings_point_to(full_case, bundle, draft):
    text = draft(full_case, "police", bundle=bundle).draft_text
    # A relative's statement is her account of the words, never the collector's "原话".
    assert "“对方说明天就去你单位找你。”（威胁）" not in text and "催收人员的部分原话" not in text
    for words in (
        "采取滋扰等方法干扰他人正常生活",
        "散布他人隐私、非法提供或获取公民个人信息",
        "第四十二条第（五）项",
        "第四十二条第（六）项",
        "第二百九十三条第一款",
        "第二百五十三条之一",
        "事实经过",
        "受案回执",
        "禁止接触",
        "六个月",
        "110",
    ):
        assert words in text, words
    # No threat to personal safety and no impersonation was found: those are not alleged.
    assert "第四十二条第（一）项" not in text and "第二百七十九条" not in text
    # The events are from 2025: the 2012 text applies, not the 2025 revision's items.
    assert "第五十条第一款" not in text
    # A lawful lender: the offence of collecting unlawful debts is not alleged.
    assert "第二百九十三条之一" not in text


def test_an_unlicensed_lender_adds_the_unlawful_debt_offence_with_its_condition(full_case, draft):
    full_case.lender_kind = "unlicensed"
    full_case.save()
    text = draft(full_case, "police").draft_text
    assert "第二百九十三条之一（催收非法债务罪）" in text and "高利放贷等产生的非法债务" in text


def test_events_after_2026_cite_the_revised_article_items(full_case, draft):
    from cases.services import manual_event_add
    from evidence.custody import Actor

    manual_event_add(
        case=full_case,
        actor=Actor(user=full_case.owner),
        kind="third_party_contact",
        number="13812345678",
        contact_name="张三",
        contact_relation="同事",
        occurred_at=datetime.fromisoformat("2026-02-01T10:00:00+08:00"),
    )
    text = draft(full_case, "police").draft_text
    assert "第五十条第一款第（六）项" in text and "待律师核对" in text and "第四十二条第（六）项" in text
    assert "第五十条第二款（禁止接触）" in text


def test_the_civil_complaint_claims_each_item_with_its_basis(full_case, bundle, draft):
    text = draft(
        full_case,
        "court",
        bundle=bundle,
        damages_mental=5000,
        damages_costs=800,
        borrower_occupation="教师，某某中学",
        witnesses="王芳，北京市朝阳区某街1号",
    ).draft_text
    assert "共计人民币5,800.00元" in text
    assert "精神损害抚慰金人民币5,000.00元（依据：民法典第一千一百八十三条" in text
    assert "为制止侵权支出的合理费用（公证费、律师费、交通费等）人民币800.00元" in text
    assert "医疗费、误工费人民币" not in text  # not claimed: no health damage given
    for words in (
        "停止以联系原告亲友、同事等第三人的方式催收",
        "删除其非法收集、使用的原告通讯录",
        "被告二：某某信息咨询有限公司",
        "连带责任",
        "职业及工作单位：教师，某某中学",
        "本起诉状副本2份",
        "1. 王芳，北京市朝阳区某街1号",
        "第一千一百六十五条",
        "第一千一百八十三条",
        "第九百九十七条",
        "仅就原告本人的权利",
        "案由",
        "管辖",
    ):
        assert words in text, words
    assert "原告及其亲友的私人生活安宁" not in text


def test_the_platform_letter_keeps_the_borrower_from_acknowledging_the_amounts(full_case, draft):
    assert "本函不构成对借款本金、利息、费用金额的确认" not in draft(full_case, "platform").draft_text
    text = draft(full_case, "platform", dispute_amounts=True).draft_text
    assert "本函不构成对借款本金、利息、费用金额的确认" in text
    for words in ("第十五条", "第四十七条", "第五十条", "保存与本人及本人亲友通话的全部催收录音", "受托催收机构的名称"):
        assert words in text, words


@pytest.mark.parametrize(
    "kind,cited,absent",
    [
        ("small_loan", "小额贷款公司监督管理暂行办法", "商业银行信用卡业务监督管理办法"),
        ("bank", "商业银行信用卡业务监督管理办法", "小额贷款公司监督管理暂行办法"),
    ],
)
def test_binding_rules_are_cited_for_the_lenders_kind_only(full_case, draft, kind, cited, absent):
    full_case.lender_kind = kind
    full_case.save()
    text = draft(full_case, "platform").draft_text
    assert cited in text and absent not in text


@pytest.mark.parametrize("channel", sorted(set(CHANNELS) - PUBLIC))
def test_every_exhibit_number_cited_exists_in_the_bundle(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    cited = set(re.findall(r"证据(\d+-\d+)", text))
    labels = set(bundle.entries.values_list("label", flat=True))
    assert cited and cited <= labels
    assert cited == labels  # the evidence list names every exhibit of the bundle


def test_without_a_bundle_the_evidence_is_listed_without_numbers(full_case, draft):
    text = draft(full_case, "platform").draft_text
    assert "尚未选定证据包" in text and "提交人手机通话记录（共5条）" in text
    assert not re.search(r"证据\d", text)


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_almost_empty_case_gives_placeholders_never_invented_facts(alice, draft, channel):
    case = Case.objects.create(owner=alice, title="空案件")
    complaint = draft(case, channel)
    required, _optional = to_fill(complaint.draft_text)
    assert "您的姓名" in required or channel in PUBLIC
    assert "借款平台或银行名称" in required or channel == "telecom" and "您的联系电话" in required
    assert not re.search(r"证据\d", complaint.draft_text)
    for invented in ("None", "李明", "13812345678", "王芳", "某某"):
        assert invented not in complaint.draft_text, invented
    assert not re.search(r"1[3-9]\d{9}", complaint.draft_text)


def test_the_repayment_plan_is_offered_only_when_the_user_chooses(full_case, draft):
    assert "还款计划" not in draft(full_case, "platform").draft_text
    assert (
        "愿意就上述借款与贵平台协商合理的还款计划"
        in draft(full_case, "platform", include_repayment_plan=True).draft_text
    )


def test_a_bundle_of_another_case_is_refused(alice, full_case, bundle, draft):
    from complaints.services import ComplaintRefused

    other = Case.objects.create(owner=alice, title="另一个案件")
    with pytest.raises(ComplaintRefused):
        draft(other, "police", bundle=bundle)
