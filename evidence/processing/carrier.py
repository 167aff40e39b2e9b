"""Call tables in the files victims have: the phone's CSV export and the carrier's itemised
record (运营商通话详单) from the 10086/10010/10000 apps, as CSV, XLSX, XLS or a PDF with a text layer.

Spreadsheets are read with openpyxl and xlrd and PDFs with pdfplumber; the columns are found by
their header words, so every export whose header names the number and the time is read.
"""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from evidence.processing.filenames import normalise_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS_TYPES = {"application/vnd.ms-excel", "application/CDFV2", "application/x-ole-storage"}
SPREADSHEET_TYPES = {XLSX, *XLS_TYPES}

# Header words per field, the more specific first. "通信类型" (本地/漫游) is not the direction.
HEADERS = {
    "number": ("对方号码", "对端号码", "对方", "号码", "电话", "number", "phone"),
    "datetime": ("起始时间", "开始时间", "通话起始", "通信时间", "通话时间", "时间", "日期", "date", "time"),
    "direction": ("通信方式", "呼叫类型", "呼叫方式", "主被叫", "通话类型", "类型", "type", "direction"),
    "duration": ("通话时长", "通信时长", "时长", "duration"),
    "location": ("通话地点", "通信地点", "地点", "归属地", "location"),
}
NOT_DIRECTION = ("通信类型", "业务类型")
# Words in a header that only carriers' itemised records use.
CARRIER_WORDS = ("对方号码", "起始时间", "通信方式", "通信时长", "通话地点", "通信地点", "主叫", "被叫", "通信类型")
DIRECTIONS = {
    "来电": "incoming",
    "呼入": "incoming",
    "被叫": "incoming",
    "incoming": "incoming",
    "in": "incoming",
    "未接": "missed",
    "未接来电": "missed",
    "missed": "missed",
    "去电": "outgoing",
    "呼出": "outgoing",
    "主叫": "outgoing",
    "outgoing": "outgoing",
    "out": "outgoing",
    "拒接": "rejected",
    "已拒接": "rejected",
    "rejected": "rejected",
    "呼转": "forwarded",
    "呼叫转移": "forwarded",
}
_DATETIME = re.compile(
    r"(?:(?P<year>20\d{2})\s*[年/\-.]\s*)?(?P<month>\d{1,2})\s*[月/\-.]\s*(?P<day>\d{1,2})\s*日?"
    r"[\sT]*(?P<hour>\d{1,2})[:：时](?P<minute>\d{2})(?:[:：分](?P<second>\d{2}))?"
)
_COMPACT = re.compile(
    r"(?<!\d)(?P<year>20\d{2})(?P<month>\d{2})(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})"
    r"(?P<second>\d{2})(?!\d)"
)
_PERIOD = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})\s*月?")


class CallTableUnreadable(Exception):
    """The file has no columns recognisable as a call list."""


def direction_of(text: str) -> str:
    text = (text or "").strip().lower()
    return DIRECTIONS.get(text) or next((d for word, d in DIRECTIONS.items() if len(word) > 1 and word in text), "")


def seconds_of(text) -> int | None:
    """A duration in the forms exports use: 65, 65秒, 1分05秒, 1小时2分3秒, 00:01:05, 1:05."""
    if isinstance(text, int | float):
        return int(text)
    if isinstance(text, timedelta):
        return int(text.total_seconds())
    text = str(text or "").strip()
    if not text:
        return None
    if m := re.fullmatch(r"(?:(\d+):)?(\d+):(\d{1,2})", text):
        return int(m[1] or 0) * 3600 + int(m[2]) * 60 + int(m[3])
    units = re.findall(r"(\d+)\s*(小时|时|分钟|分|秒|h|m|s)", text)
    if units:
        scale = {"小时": 3600, "时": 3600, "h": 3600, "分钟": 60, "分": 60, "m": 60, "秒": 1, "s": 1}
        return sum(int(n) * scale[u] for n, u in units)
    return int(text) if text.isdigit() else None


def datetime_of(value, tz: ZoneInfo, period: tuple[int, int] | None = None) -> datetime | None:
    """A call's start from a cell; a date without a year takes the record's billing period."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    text = str(value or "").strip()
    match = _COMPACT.search(text) or _DATETIME.search(text)
    if not match:
        return None
    parts = match.groupdict()
    year = int(parts["year"]) if parts.get("year") else None
    if year is None:
        if period is None:
            return None
        # A December record read in January: a month after the period's belongs to the year before.
        year = period[0] if int(parts["month"]) <= period[1] else period[0] - 1
    try:
        return datetime(
            year,
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _columns(header: list) -> dict[str, int]:
    names = [str(h or "").strip().lower().replace(" ", "") for h in header]
    found: dict[str, int] = {}
    for field, words in HEADERS.items():
        for word in words:
            index = next(
                (
                    i
                    for i, name in enumerate(names)
                    if word in name
                    and i not in found.values()
                    and not (field == "direction" and any(n in name for n in NOT_DIRECTION))
                ),
                None,
            )
            if index is not None:
                found[field] = index
                break
    return found


def _header_row(rows: list[list]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:30]):
        columns = _columns(row)
        if "number" in columns and "datetime" in columns:
            return index, columns
    raise CallTableUnreadable("no number and time columns")


def is_carrier_header(header: list) -> bool:
    text = "".join(str(h or "") for h in header)
    return sum(word in text for word in CARRIER_WORDS) >= 2


def period_of(text: str) -> tuple[int, int] | None:
    """The billing month a record names in its title (2023年05月, 查询月份 2023-05)."""
    match = _PERIOD.search(text)
    return (int(match[1]), int(match[2])) if match and 1 <= int(match[2]) <= 12 else None


def rows_to_calls(
    rows: list[list], tz: ZoneInfo, *, period: tuple[int, int] | None = None, row_numbers: list | None = None
) -> tuple[list[dict], bool]:
    """Return the calls of a table and whether it is a carrier's record.

    Each call: row (as the file counts it), number, at, direction, duration_s, connected, location."""
    if not rows:
        raise CallTableUnreadable("the file is empty")
    start, columns = _header_row(rows)
    if period is None:
        period = period_of(" ".join(str(c or "") for row in rows[:start] for c in row))
    carrier = is_carrier_header(rows[start])
    calls = []
    for offset, row in enumerate(rows[start + 1 :], start=start + 1):
        cell = {field: row[index] if index < len(row) else "" for field, index in columns.items()}
        number = normalise_number(str(cell["number"] or ""))
        at = datetime_of(cell["datetime"], tz, period)
        if not number or at is None and not str(cell["datetime"] or "").strip():
            continue
        duration = seconds_of(cell.get("duration"))
        direction = direction_of(str(cell.get("direction") or ""))
        connected = None if duration is None else duration > 0
        if direction in ("missed", "rejected"):
            connected = False
        calls.append(
            {
                "row": row_numbers[offset] if row_numbers else offset + 1,
                "number": number,
                "at": at,
                "direction": direction,
                "duration_s": duration,
                "connected": connected,
                "location": str(cell.get("location") or "").strip(),
            }
        )
    return calls, carrier


def _decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")  # Chinese Excel saves CSV in GBK


def csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def xlsx_rows(path: str) -> list[list]:
    import openpyxl

    # Opened as a file object: stored originals have no extension, which openpyxl checks on names.
    with open(path, "rb") as fh:
        try:
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged or disguised file
            raise CallTableUnreadable("the workbook could not be opened") from exc
        try:
            return _first_call_sheet([list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets])
        finally:
            book.close()


def xls_rows(path: str) -> list[list]:
    import xlrd

    try:
        with open(path, "rb") as fh:
            book = xlrd.open_workbook(file_contents=fh.read())
    except Exception as exc:
        raise CallTableUnreadable("the workbook could not be opened") from exc
    sheets = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                    row.append(int(cell.value))
                else:
                    row.append(cell.value)
            rows.append(row)
        sheets.append(rows)
    return _first_call_sheet(sheets)


def _first_call_sheet(sheets: list[list[list]]) -> list[list]:
    for rows in sheets:
        rows = [["" if c is None else c for c in row] for row in rows]
        try:
            _header_row(rows)
        except CallTableUnreadable:
            continue
        return rows
    raise CallTableUnreadable("no sheet with number and time columns")


def pdf_rows(path: str) -> tuple[list[list], list[str], str]:
    """The table rows of a PDF's text layer (every page's tables, header repeated or not),
    where each row came from ("p2 r5"), and the whole text (for the billing period)."""
    import pdfplumber

    rows: list[list] = []
    where: list[str] = []
    texts = []
    try:
        with pdfplumber.open(path) as pdf:
            for page_no, page in enumerate(pdf.pages, start=1):
                texts.append(page.extract_text() or "")
                for table in page.extract_tables():
                    for r, row in enumerate(table, start=1):
                        row = [(c or "").replace("\n", " ").strip() for c in row]
                        if rows and _columns(row).keys() >= {"number", "datetime"} and where:
                            continue  # the header repeated on a later page
                        rows.append(row)
                        where.append(f"p{page_no} r{r}")
    except Exception as exc:
        raise CallTableUnreadable("the PDF could not be read") from exc
    return rows, where, "\n".join(texts)


_LINE_NUMBER = re.compile(r"(?<![\d:])(?:(?:\+|00)86)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|9[56]\d{3,4}|1\d{4})(?![\d:])")


def text_lines_to_calls(text: str, tz: ZoneInfo) -> list[dict]:
    """Calls from a PDF's text lines when it has no ruled table: a line with a time and a number."""
    period = period_of(text)
    calls = []
    for n, line in enumerate(text.splitlines(), start=1):
        when = _COMPACT.search(line) or _DATETIME.search(line)
        if not when:
            continue
        rest = line[: when.start()] + " " + line[when.end() :]
        number = _LINE_NUMBER.search(rest)
        at = datetime_of(when.group(), tz, period)
        if not number or at is None:
            continue
        tail = rest[number.end() :]
        duration = next(
            (seconds_of(m.group()) for m in re.finditer(r"\d+:\d{2}(?::\d{2})?|(?:\d+\s*(?:小时|分|秒))+", tail)), None
        )
        direction = direction_of(next((w for w in DIRECTIONS if len(w) > 1 and w in rest), ""))
        calls.append(
            {
                "row": n,
                "number": normalise_number(number.group()),
                "at": at,
                "direction": direction,
                "duration_s": duration,
                "connected": None if duration is None else duration > 0,
                "location": "",
            }
        )
    return calls


def read_call_table(path: str, mime: str, tz: ZoneInfo) -> tuple[list[dict], bool]:
    """The calls of a CSV, XLSX, XLS or text-layer PDF call list, and whether it is a carrier's record."""
    if mime in (XLSX, "application/zip"):
        return rows_to_calls(xlsx_rows(path), tz)
    if mime in XLS_TYPES:
        return rows_to_calls(xls_rows(path), tz)
    if mime == "application/pdf":
        rows, where, text = pdf_rows(path)
        carrier_text = sum(word in text for word in CARRIER_WORDS) >= 2 or any(
            n in text for n in ("中国移动", "中国联通", "中国电信", "详单")
        )
        try:
            calls, carrier = rows_to_calls(rows, tz, period=period_of(text), row_numbers=where)
        except CallTableUnreadable:
            calls, carrier = text_lines_to_calls(text, tz), carrier_text
        if not calls:
            raise CallTableUnreadable("no calls in the PDF's text")
        return calls, carrier or carrier_text
    with open(path, "rb") as fh:
        return rows_to_calls(csv_rows(fh.read()), tz)


def today_in(tz: ZoneInfo) -> date:
    return datetime.now(tz).date()
