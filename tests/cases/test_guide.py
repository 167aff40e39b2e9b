"""The first-run guide: what it advises, and that it promises a trusted time stamp only when there is one."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_guide_gives_the_advice_a_lawyer_expects(client):
    page = client.get("/guide/").content.decode()
    for words in (
        "通话详单",
        "微信号",
        "整个对话",
        "公证",
        "书面要求",
        "只录您自己参与的通话",
        "反催收",
        "债务优化",
        "推荐性国家标准",
        "110",
    ):
        assert words in page, words
    assert "必须遵守" not in page


def test_the_guide_speaks_of_a_trusted_time_stamp_only_when_a_tsa_is_configured(client, settings):
    settings.TSA_URL = ""
    page = client.get("/guide/").content.decode()
    assert "可信时间戳" not in page and "本站签名的回执" in page
    settings.TSA_URL = "https://tsa.example/tsr"
    page = client.get("/guide/").content.decode()
    assert "独立时间戳机构" in page and "RFC 3161" in page
