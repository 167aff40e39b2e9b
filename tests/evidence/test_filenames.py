from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.processing.filenames import normalise_number, parse_recording_filename

SH = ZoneInfo("Asia/Shanghai")
T = datetime(2023, 5, 12, 14, 30, 0, tzinfo=SH)


@pytest.mark.parametrize(
    "name,number,when",
    [
        ("13812345678_20230512143000.amr", "13812345678", T),
        ("通话录音 13812345678 2023-05-12 14-30-00.m4a", "13812345678", T),
        ("+8613812345678(13812345678)_20230512143000.mp3", "13812345678", T),
        ("张三(13812345678)_20230512143000.mp3", "13812345678", T),
        ("13812345678 20230512_143000.m4a", "13812345678", T),
        ("Call recording 张三_230512_143000.m4a", "", T),
        ("Call recording 138 1234 5678_230512_143000.m4a", "13812345678", T),
        ("021-55558888_20230512143000.amr", "02155558888", T),
        ("录音.m4a", "", None),
        ("13812345678_20231345143000.amr", "13812345678", None),  # month 13: no date
        ("IMG_0001.m4a", "", None),
    ],
)
def test_recorder_file_names(name, number, when):
    facts = parse_recording_filename(name)
    assert facts.number == number
    assert facts.occurred_at == when


def test_found_says_which_facts_came_from_the_name():
    assert parse_recording_filename("13812345678_20230512143000.amr").found == ["counterparty_number", "occurred_at"]
    assert parse_recording_filename("录音.m4a").found == []


@pytest.mark.parametrize("raw,clean", [("+86 138-1234-5678", "13812345678"), ("008613812345678", "13812345678"),
                                       ("+85291234567", "+85291234567"), ("95588", "95588")])
def test_numbers_are_normalised(raw, clean):
    assert normalise_number(raw) == clean
