"""Carriers' itemised records (运营商通话详单) as the 10086/10010/10000 apps export them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import xlwt
from weasyprint import HTML

from evidence.intake.filetypes import sniff_mime
from evidence.processing.carrier import CallTableUnreadable, read_call_table, seconds_of

SH = ZoneInfo("Asia/Shanghai")
HEADER = ["序号", "起始时间", "通信地点", "通信方式", "对方号码", "通信时长", "通信类型", "套餐优惠", "实收通信费(元)"]
# A month of a real-size record: 120 calls, collector calls at night among ordinary ones.
CALLS = [
    (
        f"2023-05-{1 + i // 4:02d} {(8 + 5 * i) % 24:02d}:{(7 * i) % 60:02d}:{(13 * i) % 60:02d}",
        "广东深圳",
        "被叫" if i % 3 else "主叫",
        f"1380013{8000 + i:04d}",
        f"{i % 5}分{(i * 7) % 60:02d}秒",
        "本地通话",
        "",
        "0.00",
    )
    for i in range(120)
]


def _rows():
    return [[str(n + 1), *call] for n, call in enumerate(CALLS)]


def check(calls):
    assert len(calls) == 120
    first = calls[0]
    assert first["number"] == "13800138000" and first["direction"] == "outgoing"
    assert first["at"] == datetime(2023, 5, 1, 8, 0, 0, tzinfo=SH)
    assert calls[1]["direction"] == "incoming" and calls[1]["duration_s"] == 67 and calls[1]["location"] == "广东深圳"
    assert calls[5]["at"] == datetime(2023, 5, 2, 9, 35, 5, tzinfo=SH)
    assert [c["connected"] for c in calls[:2]] == [False, True]  # 0分00秒: not connected


def test_an_xlsx_record_from_10086(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["中国移动 通话详单"])
    sheet.append(["查询月份：2023年05月", "", "", "号码：139****0000"])
    sheet.append(HEADER)
    for row in _rows():
        sheet.append(row)
    path = tmp_path / "a3f9c0"  # stored originals are named by their hash, without an extension
    book.save(path)
    calls, carrier = read_call_table(str(path), sniff_mime(str(path)), SH)
    assert carrier and calls[0]["row"] == 4
    check(calls)


def test_an_xls_record_from_10010_with_real_excel_dates(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("通话详单")
    header = ["起始时间", "通话时长", "对方号码", "呼叫类型", "通话地点"]
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for r, call in enumerate(CALLS, start=1):
        sheet.write(r, 0, datetime.strptime(call[0], "%Y-%m-%d %H:%M:%S"), date_style)
        sheet.write(r, 1, call[4])
        sheet.write(r, 2, int(call[3]))
        sheet.write(r, 3, call[2])
        sheet.write(r, 4, call[1])
    path = tmp_path / "b41d22"
    book.save(str(path))
    calls, carrier = read_call_table(str(path), sniff_mime(str(path)), SH)
    assert carrier
    check(calls)


def test_a_pdf_record_with_a_text_layer_from_10000(tmp_path):
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in _rows())
    html = f"""<html><head><style>@page {{ size: A4 landscape; margin: 1cm }}
      body {{ font-family: 'Noto Sans CJK SC'; font-size: 8pt }} table {{ border-collapse: collapse }}
      td, th {{ border: 1px solid #000; padding: 2px 4px }}</style></head><body>
      <h1>中国电信 通话详单</h1><p>账期：2023年05月</p>
      <table><thead><tr>{"".join(f"<th>{h}</th>" for h in HEADER)}</tr></thead><tbody>{cells}</tbody></table>
      </body></html>"""
    path = tmp_path / "详单.pdf"
    HTML(string=html).write_pdf(path)
    calls, carrier = read_call_table(str(path), sniff_mime(str(path)), SH)
    assert carrier
    check(calls)
    assert calls[0]["row"].startswith("p1 ")


def test_a_gbk_csv_with_the_month_only_in_the_title(tmp_path):
    lines = ["通话详单 2023年05月", ",".join(HEADER)]
    lines += [",".join([str(n), call[0][5:], *call[1:]]) for n, call in enumerate(CALLS, start=1)]
    path = tmp_path / "详单.csv"
    path.write_bytes("\n".join(lines).encode("gb18030"))
    calls, carrier = read_call_table(str(path), "text/csv", SH)
    assert carrier
    check(calls)


def test_a_phones_own_export_is_not_a_carriers_record(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("号码,类型,通话时间,通话时长\n13800138000,来电,2023-05-12 23:47:10,1分05秒\n", encoding="utf-8")
    calls, carrier = read_call_table(str(path), "text/csv", SH)
    assert not carrier and calls[0]["direction"] == "incoming" and calls[0]["duration_s"] == 65


def test_a_workbook_without_call_columns_is_refused(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    book.active.append(["张三", 100])
    path = tmp_path / "x.xlsx"
    book.save(path)
    with pytest.raises(CallTableUnreadable):
        read_call_table(str(path), sniff_mime(str(path)), SH)


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("65", 65),
        ("65秒", 65),
        ("1分05秒", 65),
        ("1小时2分3秒", 3723),
        ("00:01:05", 65),
        ("1:05", 65),
        ("", None),
        ("--", None),
    ],
)
def test_durations(text, seconds):
    assert seconds_of(text) == seconds
