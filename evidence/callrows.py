"""The call rows an item holds, as the analysis, the pages and the bundle read them.

Rows are kept in the item's metadata as `call_log` (JSON-safe), with `call_log_source` naming
what kind of record it is: "call_log" (the phone's own export), "carrier" (运营商详单) or
"call_screenshot" (read from a picture). The user's corrections are kept apart
(`call_log_corrections`), so what was read and what was corrected both stay on record.
evidence/calltables.py reads the rows from the files.
"""

SOURCES = ("call_log", "carrier", "call_screenshot")
# Every row has every field, whatever it was read from.
ROW_DEFAULTS = {
    "number": "",
    "contact": "",
    "at": None,
    "day": None,
    "direction": "",
    "duration_s": None,
    "connected": None,
    "derived_date": False,
    "count": 1,
    "box": None,
    "location": "",
    "corrected": False,
    "ignored": False,
}
CALL_DIRECTIONS = ("incoming", "outgoing", "missed", "rejected", "forwarded")
EDITABLE = ("number", "at", "direction", "duration_s", "ignored")


def effective_rows(item) -> list[dict]:
    """The item's rows with the user's corrections applied; a corrected row is marked `corrected`
    and its date no longer counts as worked out."""
    corrections = item.metadata.get("call_log_corrections") or {}
    rows = []
    for row in item.metadata.get("call_log") or []:
        row = {**ROW_DEFAULTS, **row}
        fix = corrections.get(str(row["row"]))
        if fix:
            row = {**row, **{k: v for k, v in fix.items() if k in EDITABLE}, "corrected": True, "derived_date": False}
            if "duration_s" in fix or "direction" in fix:
                direction, duration = row.get("direction"), row.get("duration_s")
                row["connected"] = (
                    False
                    if direction in ("missed", "rejected")
                    else (duration > 0 if duration is not None else row.get("connected"))
                )
        rows.append(row)
    return rows
