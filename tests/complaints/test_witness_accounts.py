"""What a relative wrote about the collector's words is printed as the witness's account ("证人称：…") with
its exhibit label, also when no collector sentence has been confirmed; never as the collector's "原话"."""

import re

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_police_letter_gives_the_witness_account_with_its_exhibit(full_case, bundle, draft):
    text = draft(full_case, "police", bundle=bundle).draft_text
    statement = bundle.entries.get(item__kind="statement").label
    section = text.split("三、威胁、辱骂的原话", 1)[1].split("四、", 1)[0]
    assert "系陈述人转述，非原话" in section
    assert re.search(rf"证人称：“对方说明天就去你单位找你。”（见证据{statement}）", section), section
    assert "经本人核对的催收方原话" not in section  # no collector sentence was confirmed


@pytest.mark.parametrize("channel", ["court", "platform"])
def test_other_letters_keep_the_account_apart_from_quotes(full_case, bundle, draft, channel):
    text = draft(full_case, channel, bundle=bundle).draft_text
    assert "证人称：“对方说明天就去你单位找你。”" in text
    assert "“对方说明天就去你单位找你。”（以" not in text  # never a quote with a finding's title
    assert "经本人核对的催收方原话" not in text
