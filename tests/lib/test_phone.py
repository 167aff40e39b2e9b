"""The one phone-number module: one stored form for a number however it is written."""

import pytest

from harassguard.lib import phone


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("(021) 5555-8888", "02155558888"),
        ("+86 21 5555 8888", "02155558888"),
        ("400-800-1234", "4008001234"),
        ("+852 9123 4567", "+85291234567"),
        ("0085291234567", "+85291234567"),
        ("+1 (202) 555-0143", "+12025550143"),
        ("95588", "95588"),
        ("1069012345678", "1069012345678"),
        ("号码：", ""),
    ],
)
def test_a_number_has_one_stored_form(raw, normal):
    assert phone.normalise(raw) == normal


def test_numbers_are_found_in_text_and_amounts_dates_and_ids_are_not():
    text = (
        "催收 138-1234-5678 和 +86 139 0000 1111，座机021-55558888，客服95588，香港 +852 91234567；"
        "金额 12345 元，订单 20230512，身份证 110101199003071234"
    )
    assert phone.find_numbers(text) == ["13812345678", "13900001111", "02155558888", "95588", "+85291234567"]


def test_spans_point_at_the_written_number():
    text = "妈妈 138 1111 5678，座机 021-55558888"
    assert [(text[s:e], n) for s, e, n in phone.number_spans(text)] == [
        ("138 1111 5678", "13811115678"),
        ("021-55558888", "02155558888"),
    ]


@pytest.mark.parametrize(
    "number,virtual,overseas",
    [
        ("17012345678", True, False),
        ("+86 165 1234 5678", True, False),
        ("13812345678", False, False),
        ("+85291234567", False, True),
        ("95588", False, False),
    ],
)
def test_virtual_operator_ranges_are_data_and_overseas_numbers_are_known(number, virtual, overseas):
    prefixes = ["162", "165", "167", "170", "171"]  # as the rule set gives them
    assert phone.is_virtual(number, prefixes) == virtual and phone.is_overseas(number) == overseas
    assert not phone.is_virtual(number, [])


@pytest.mark.parametrize(
    "number,masked",
    [
        ("13811115678", "138****5678"),
        ("+86 138 1111 5678", "138****5678"),
        ("02155558888", "021****8888"),
        ("95588", "*****"),
    ],
)
def test_masking(number, masked):
    assert phone.mask(number) == masked


def test_public_service_numbers_are_told_apart():
    assert phone.is_public_service("95588") and phone.is_public_service("400-800-1234")
    assert not phone.is_public_service("13812345678")
