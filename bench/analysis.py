"""Analysis benchmark: time to analyse cases of growing size.

Builds synthetic inputs like a heavily harassed case's (calls from a pool of
numbers at all hours, some from virtual ranges, third-party contacts, and
transcripts of 40 sentences each, some of them collector threats), then times
`analyse` with the Chinese rule set. Target: 10,000 events and 500 transcripts
in under 2 s on this machine, growing linearly.

    .venv/bin/python bench/analysis.py
"""

import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harassguard.settings")
os.environ.setdefault("DEBUG", "1")

from cases.analysis.engine import Event, Sentence, analyse  # noqa: E402
from cases.analysis.rules import load_rule_set  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
LINES = [
    "您好，这里是贷后管理部门",
    "你这个月的账单已经逾期了",
    "请问你什么时候能还款",
    "明天就去你单位找你",
    "你这个老赖，不要脸",
    "我们已经联系了你的紧急联系人",
    "已经立案了，你等着坐牢",
    "今天下午五点前必须处理",
    "不然我们会按流程处理",
    "你儿子在我们平台欠钱不还",
]


def make_case(n_events: int, n_transcripts: int, seed: int = 7) -> tuple[list[Event], list[Sentence]]:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=SH)
    numbers = [f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" for _ in range(60)] + ["17012345678", "+85291234567"]
    events = [
        Event(
            rng.choice(["call"] * 4 + ["message"]),
            start + timedelta(minutes=rng.randrange(180 * 24 * 60)),
            rng.choice(numbers),
            rng.choice(["borrower"] * 9 + ["third_party"]),
            "",
            [{"evidence": f"item-{i % 2000}", "source": "call_log"}],
        )
        for i in range(n_events)
    ]
    sentences = [
        Sentence(
            f"rec-{t}",
            rng.choice(LINES) + f"（第{s}句）",
            {"start": 5.0 * s, "end": 5.0 * s + 4},
            start + timedelta(days=t % 180, seconds=5 * s),
        )
        for t in range(n_transcripts)
        for s in range(40)
    ]
    return events, sentences


def main() -> None:
    rule_set = load_rule_set("CN")
    print(f"{'events':>8} {'transcripts':>12} {'seconds':>8} {'µs/event':>9} {'findings':>9}")
    for n_events, n_transcripts in [(1000, 50), (5000, 250), (10000, 500), (20000, 1000)]:
        events, sentences = make_case(n_events, n_transcripts)
        begin = time.perf_counter()
        findings = analyse(events, sentences, rule_set)
        took = time.perf_counter() - begin
        print(f"{n_events:8d} {n_transcripts:12d} {took:8.2f} {took / n_events * 1e6:9.1f} {len(findings):9d}")


if __name__ == "__main__":
    main()
