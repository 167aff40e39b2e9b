from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.processing.filenames import normalise_number, parse_bcr_sidecar, parse_recording_filename

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


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("+85291234567", "+85291234567"),
        ("95588", "95588"),
    ],
)
def test_numbers_are_normalised(raw, clean):
    assert normalise_number(raw) == clean


NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    "name,maker,number,when,extra",
    [
        # Xiaomi MIUI/HyperOS: word@name(number)_yyyyMMddHHmmss; "+" written "00"; an unknown caller's number as name
        ("通话录音@张三(13800138000)_20230512143000.mp3", "miui", "13800138000", T, {"contact": "张三"}),
        (
            "Вызов@Юляшенька Ю(0079397172318)_20231216123836.mp3",
            "miui",
            "+79397172318",
            datetime(2023, 12, 16, 12, 38, 36, tzinfo=SH),
            {},
        ),
        ("通话录音@0321(0321)_20230512143000.mp3", "miui", "0321", T, {}),
        (
            "通话录音@张三(13800138000)_李四(008613900139000)_20230512143000.mp3",
            "miui",
            "13800138000",
            T,
            {"numbers": ("13800138000", "13900139000")},
        ),
        (
            "通话录音@张三(13800138000)_李四四四四四(1390013_20230512143000.mp3",
            "miui",
            "13800138000",
            T,
            {"truncated": True, "numbers": ("13800138000",)},
        ),
        # Huawei/Honor: name@number_yyyyMMddHHmmss, numbers with spaces
        ("张三@138 0013 8000_20230512143000.m4a", "huawei", "13800138000", T, {"contact": "张三"}),
        ("+86 138 0013 8000_20230512143000.amr", "huawei", "13800138000", T, {}),
        # OPPO/ColorOS/OnePlus: two-digit year, no seconds, split on the last "-"
        (
            "10987654321-2203021149.mp3",
            "coloros",
            "10987654321",
            datetime(2022, 3, 2, 11, 49, tzinfo=SH),
            {"precision": "minute"},
        ),
        ("张三-2203021149.mp3", "coloros", "", datetime(2022, 3, 2, 11, 49, tzinfo=SH), {"contact": "张三"}),
        ("王-小-二-2203021149.mp3", "coloros", "", datetime(2022, 3, 2, 11, 49, tzinfo=SH), {"contact": "王-小-二"}),
        # BCR: its own offset, turned into the case's zone
        (
            "20230512_063000.250+0000_in_sim1_13800138000_张三.oga",
            "bcr",
            "13800138000",
            datetime(2023, 5, 12, 14, 30, 0, 250000, tzinfo=SH),
            {"direction": "incoming", "contact": "张三"},
        ),
        ("20230512_143000.000+0800_out_+8613800138000.m4a", "bcr", "13800138000", T, {"direction": "outgoing"}),
        # LineageOS / GrapheneOS
        ("13800138000_230512_143000123.amr", "lineageos", "13800138000", T, {}),
        ("CallRecord_20230512-143000_13800138000.m4a", "lineageos", "13800138000", T, {}),
        # iPhone: no number in the name: ask for it
        ("通话录音 张三.m4a", "iphone", "", None, {"ask_number": True}),
    ],
)
def test_each_makers_recorder_names(name, maker, number, when, extra):
    facts = parse_recording_filename(name)
    assert (facts.maker, facts.number, facts.occurred_at) == (maker, number, when)
    for key, value in extra.items():
        assert getattr(facts, key) == value, key
    assert not facts.guessed


def test_a_coloros_time_is_never_taken_for_the_number():
    facts = parse_recording_filename("张三-2203021149.mp3")
    assert facts.number == "" and "2203021149" not in facts.numbers


def test_a_file_name_time_is_read_in_the_cases_time_zone_but_bcr_keeps_its_offset():
    assert parse_recording_filename("13800138000_20230512143000.amr", NY).occurred_at == datetime(
        2023, 5, 12, 14, 30, tzinfo=NY
    )
    bcr = parse_recording_filename("20230512_143000.000-0400_in_2125550100.oga", NY)
    assert bcr.occurred_at == datetime(2023, 5, 12, 14, 30, tzinfo=NY)
    assert bcr.occurred_at.utcoffset() == NY.utcoffset(datetime(2023, 5, 12))


def test_an_unknown_pattern_is_a_marked_guess():
    facts = parse_recording_filename("rec 13800138000 2023-05-12 14-30-00.m4a")
    assert facts.guessed and facts.number == "13800138000" and facts.occurred_at == T


def test_bcrs_sidecar_gives_direction_name_and_number():
    sidecar = (
        '{"timestamp_unix_ms": 1683873000000, "timestamp": "2023-05-12T14:30:00+08:00", "direction": "in",'
        ' "sim_slot": 1, "call_log_name": "张三", "calls": [{"phone_number": "+8613800138000",'
        ' "phone_number_formatted": "138 0013 8000", "caller_name": null, "contact_name": "张三"}],'
        ' "output": {"recording": {"duration_secs_total": 62.5}}}'
    ).encode()
    facts = parse_bcr_sidecar(sidecar)
    assert (facts.number, facts.direction, facts.contact, facts.occurred_at) == ("13800138000", "incoming", "张三", T)
    assert parse_bcr_sidecar(b'{"a": 1}') is None and parse_bcr_sidecar(b"\xff") is None
