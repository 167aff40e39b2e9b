"""The calls-per-day and calls-per-hour charts: counted in the rule set's time zone, the daily
limit drawn as a line, the quiet hours shaded, and the same SVG for the page and the PDF."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from cases.analysis.charts import calls_per_day, calls_per_hour, charts
from cases.analysis.engine import Event
from cases.analysis.rules import load_rule_set

UTC = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def call(day: int, hour: int, minute: int = 0, kind: str = "call") -> Event:
    return Event(kind=kind, at=datetime(2023, 5, day, hour, minute, tzinfo=UTC), number="13800001111")


def test_calls_are_counted_by_the_local_day_and_hour():
    # 17:30 UTC on the 11th is 01:30 on the 12th in Shanghai.
    events = [call(11, 17, 30), call(12, 2), call(12, 3), call(12, 4, kind="message"), Event(kind="call", at=None)]
    assert calls_per_day(events, SHANGHAI) == [("2023-05-12", 3)]
    per_hour = calls_per_hour(events, SHANGHAI)
    assert len(per_hour) == 24 and per_hour[1] == 1 and per_hour[10] == 1 and per_hour[12] == 1 and sum(per_hour) == 4


def test_the_svg_draws_the_daily_limit_and_shades_the_quiet_hours():
    rule_set = load_rule_set("CN")
    out = charts([call(12, 2), call(12, 3), call(12, 14)], rule_set, ("每日来电", "按小时"))
    assert out["per_day"] == [("2023-05-12", 3)]
    assert 'stroke-dasharray="4 3"' in out["day_svg"] and ">3</text>" in out["day_svg"]
    # 22:00–08:00 in the rule set: ten of the 24 hour bars stand on a shaded band.
    assert len(re.findall(r'fill="#eceff4"', out["hour_svg"])) == 10
    assert out["hour_svg"].startswith("<svg") and 'role="img"' in out["hour_svg"] and "<script" not in out["hour_svg"]


def test_titles_and_labels_are_escaped():
    out = charts([call(12, 2)], load_rule_set("CN"), ("<b>calls</b>", "hours & more"))
    assert "<b>" not in out["day_svg"] and "&lt;b&gt;calls&lt;/b&gt;" in out["day_svg"]
    assert "hours &amp; more" in out["hour_svg"]
