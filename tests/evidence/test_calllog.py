from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.processing.calllog import CallLogUnreadable, parse_call_log

SH = ZoneInfo("Asia/Shanghai")


def test_a_chinese_export_is_read():
    csv = "号码,类型,通话时间,通话时长\n138 1234 5678,来电,2023-05-12 23:47:10,1分05秒\n13900001111,去电,2023/05/13 08:00,0秒\n"
    rows = parse_call_log(csv.encode("utf-8-sig"))
    assert rows[0] == {
        "row": 2,
        "number": "13812345678",
        "direction": "incoming",
        "duration_s": 65,
        "at": datetime(2023, 5, 12, 23, 47, 10, tzinfo=SH),
    }
    assert rows[1]["direction"] == "outgoing" and rows[1]["at"] == datetime(2023, 5, 13, 8, 0, tzinfo=SH)


def test_an_english_export_with_other_column_order():
    rows = parse_call_log(b"Date,Duration,Type,Number\n2023-05-12 07:10,0:42,Missed,+86 17012345678\n")
    assert rows[0]["number"] == "17012345678" and rows[0]["direction"] == "missed" and rows[0]["duration_s"] == 42


def test_unparseable_times_are_kept_as_unknown():
    assert parse_call_log("号码,时间\n13812345678,昨天\n".encode())[0]["at"] is None


@pytest.mark.parametrize("data", [b"", b"a,b,c\n1,2,3\n"])
def test_files_without_call_columns_are_refused(data):
    with pytest.raises(CallLogUnreadable):
        parse_call_log(data)
