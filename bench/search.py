"""Search benchmark: 1,000 items holding 50,000 sentences and screenshot lines, on SQLite and PostgreSQL.

Per database, in one run:
- search latency (p95 and median) of `evidence.search.query.search` for a lawyer across all four cases
  and in one case, for two-character words, a phrase, a number; against a reference measured in the same
  run: a trivial indexed lookup (one item by primary key) — the ratio is what to compare between runs;
- the alternatives measured on the same rows: LIKE with no index, and the trigram indexes (SQLite FTS5
  `trigram`, PostgreSQL `pg_trgm`) with how many rows they find for a two-character word;
- the index's cost per item on intake: time to write a 50-sentence transcript's entries against the time
  to save the transcript row itself, and the bytes the index adds per item.

    .venv/bin/python bench/search.py [--db sqlite|postgres|both] [--items 1000] [--runs 40]
    (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/harassguard_bench_search,
     is dropped and created again; SQLite runs in a temporary file)
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/harassguard_bench_search")
SENTENCES_PER_ITEM = 50
SCREENSHOT_SHARE = 5  # one item in five is a screenshot with 50 lines, the rest are calls
QUERIES = ["上门", "你妈", "爆通讯录", "逾期", "13812345678"]
# Sentences of collection calls and chats; the words searched for occur in a few percent of them.
PHRASES = [
    "你这个账单已经逾期三十七天了",
    "今天下午五点之前必须把钱还上",
    "不然我们就爆通讯录",
    "我们的同事明天就上门",
    "你妈的电话我们已经有了",
    "你的电话是13812345678吧",
    "我这个月工资还没发",
    "下个月一定还",
    "你们这是违法的",
]
COMMON = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于"
    "心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回"
)


def sentence(rng: random.Random) -> str:
    filler = "".join(rng.choice(COMMON) for _ in range(rng.randint(6, 24)))
    if rng.random() < 0.06:
        at = rng.randint(0, len(filler))
        return f"{filler[:at]}{rng.choice(PHRASES)}，{filler[at:]}。"
    return filler + "。"


def p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95) - 1] * 1000


def timed(fn, runs: int) -> list[float]:
    fn()  # warm the caches and the plan
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def setup(db: str, folder: str) -> None:
    url = f"sqlite:///{folder}/bench.sqlite3" if db == "sqlite" else PG_URL
    os.environ.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "harassguard.settings",
            "REDIS_URL": "",
            "DATABASE_URL": url,
            "MEDIA_ROOT": f"{folder}/media",
            "SIGNING_KEY_FILE": f"{folder}/key.pem",
            "LOG_LEVEL": "ERROR",
        }
    )
    if db == "postgres":
        name, admin = PG_URL.rsplit("/", 1)[1], PG_URL.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_items(n_items: int, rng: random.Random):
    """Four cases shared with one lawyer; returns (lawyer, cases, transcripts and OCR rows unsaved)."""
    from django.contrib.auth import get_user_model

    from cases.models import Case, Membership
    from evidence.models import EvidenceItem, OcrResult, Transcript

    users = get_user_model().objects
    owner, lawyer = users.create_user("owner", password="x"), users.create_user("lawyer", password="x")
    cases = [Case.objects.create(owner=owner, title=f"案件{i}") for i in range(4)]
    for case in cases:
        Membership.objects.create(case=case, user=lawyer, role=Membership.Role.LAWYER)
    items = EvidenceItem.objects.bulk_create(
        EvidenceItem(
            case=cases[i % 4],
            kind="screenshot" if i % SCREENSHOT_SHARE == 0 else "call_recording",
            original_filename=f"{i}.m4a",
            stored_name=f"x/{i:064d}",
            size=1,
            mime="audio/mp4",
            sha256=f"{i:064d}",
        )
        for i in range(n_items)
    )
    texts, ocrs = [], []
    for item in items:
        lines = [sentence(rng) for _ in range(SENTENCES_PER_ITEM)]
        if item.kind == "screenshot":
            ocrs.append(OcrResult(item=item, engine="rapidocr", lines=[{"text": t, "box": []} for t in lines]))
        else:
            segments = [{"start": 4.5 * i, "end": 4.5 * i + 4, "text": t} for i, t in enumerate(lines)]
            texts.append(
                Transcript(item=item, engine="faster-whisper", model="small", language="zh", segments=segments)
            )
    return lawyer, cases, texts, ocrs


def intake_cost(texts, ocrs) -> dict:
    """Save every transcript and OCR row without the index, then write their entries: time and bytes per item."""
    from django.db import connection
    from django.db.models.signals import post_save

    from evidence.models import OcrResult, Transcript
    from evidence.search import index

    post_save.disconnect(dispatch_uid="search-transcript", sender=Transcript)
    post_save.disconnect(dispatch_uid="search-ocr", sender=OcrResult)
    start = time.perf_counter()
    for row in [*texts, *ocrs]:
        row.save()
    saved = time.perf_counter() - start
    size_before = database_size(connection)
    start = time.perf_counter()
    for t in texts:
        index.index_transcript(t)
    for o in ocrs:
        index.index_ocr(o)
    indexed = time.perf_counter() - start
    index.connect()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # what autovacuum does after a load this size: the planner's statistics
            cur.execute("ANALYZE")
    n = len(texts) + len(ocrs)
    return {
        "save_ms": saved / n * 1000,
        "index_ms": indexed / n * 1000,
        "bytes": (database_size(connection) - size_before) / n,
    }


def database_size(connection) -> int:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CHECKPOINT")
            cur.execute("SELECT pg_database_size(current_database())")
            return cur.fetchone()[0]
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute("PRAGMA page_size")
        return pages * cur.fetchone()[0]


def alternatives(connection, runs: int) -> list[str]:
    """The same two-character word through the other ways of searching, on the same rows."""
    from django.contrib.auth import get_user_model

    from cases.access import cases_for_user
    from evidence.models import SearchEntry
    from evidence.search.query import matching

    cases = [c.pk for c in cases_for_user(get_user_model().objects.get(username="lawyer"))]
    out = []
    ours = timed(lambda: list(matching(["上门"], cases).values_list("id")), runs)
    out.append(f"  the bigram index alone, '上门' in all 4 cases (ids of every match): p95 {p95(ours):.2f} ms")
    like = timed(lambda: list(SearchEntry.objects.filter(text__contains="上门").values_list("id")), runs)
    out.append(f"  LIKE '%上门%' without an index: p95 {p95(like):.2f} ms")
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "CREATE VIRTUAL TABLE tri USING fts5(text, content='evidence_searchentry', content_rowid='id', tokenize='trigram')"
            )
            cur.execute("INSERT INTO tri(tri) VALUES ('rebuild')")
            for q in ["上门", "爆通讯录"]:
                cur.execute("SELECT count(*) FROM tri WHERE tri MATCH %s", [f'"{q}"'])
                matched = cur.fetchone()[0]
                cur.execute("SELECT count(*) FROM tri WHERE text LIKE %s", [f"%{q}%"])
                liked = cur.fetchone()[0]
                real = SearchEntry.objects.filter(text__contains=q).count()
                out.append(
                    f"  FTS5 trigram, {q}: MATCH finds {matched}, LIKE through it {liked}, of {real} rows holding it"
                )
        else:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cur.execute("CREATE INDEX bench_trgm ON evidence_searchentry USING gin (text gin_trgm_ops)")
            cur.execute("ANALYZE evidence_searchentry")
            for q in ["上门", "爆通讯录"]:
                cur.execute("EXPLAIN SELECT id FROM evidence_searchentry WHERE text LIKE %s", [f"%{q}%"])
                plan = cur.fetchone()[0]

                def run(q=q):
                    with connection.cursor() as c:
                        c.execute("SELECT id FROM evidence_searchentry WHERE text LIKE %s", [f"%{q}%"])
                        c.fetchall()

                out.append(
                    f"  pg_trgm LIKE '%{q}%': p95 {p95(timed(run, runs)):.2f} ms ({plan.split('  ')[0].split(' on ')[0]})"
                )
            cur.execute("DROP INDEX bench_trgm")
    return out


def plan_of_search(connection, lawyer) -> str:
    from cases.access import cases_for_user
    from evidence.search.query import matching

    sql, params = matching(["上门"], [c.pk for c in cases_for_user(lawyer)]).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        rows = [" ".join(str(c) for c in r) for r in cur.fetchall()]
    return " | ".join(r for r in rows if "fts" in r.lower() or "search_entry_grams" in r or "Bitmap Index" in r)[:200]


def run(db: str, n_items: int, runs: int) -> None:
    folder = tempfile.mkdtemp()
    setup(db, folder)
    from django.db import connection

    from evidence.models import EvidenceItem
    from evidence.search.query import search

    lawyer, cases, texts, ocrs = make_items(n_items, random.Random(7))
    cost = intake_cost(texts, ocrs)
    from evidence.models import SearchEntry

    entries = SearchEntry.objects.count()
    some = EvidenceItem.objects.order_by("?").values_list("pk", flat=True)[:50]
    ids = list(some)
    reference = timed(lambda: EvidenceItem.objects.filter(pk=random.choice(ids)).first(), runs * 5)
    ref = p95(reference)
    print(f"{db}: {n_items} items, {entries} sentences and lines indexed")
    print(f"  reference (one item by primary key): p95 {ref:.3f} ms")
    for q in QUERIES:
        everywhere = timed(lambda q=q: search(lawyer, q), runs)
        one = timed(lambda q=q: search(lawyer, q, cases[0].pk), runs)
        hits = len(search(lawyer, q).hits)
        print(
            f"  search {q!r} all 4 cases: p95 {p95(everywhere):.2f} ms (median {statistics.median(everywhere) * 1000:.2f}, "
            f"{p95(everywhere) / ref:.0f}× reference, {hits} hits shown); one case: p95 {p95(one):.2f} ms"
        )
    print(f"  plan: {plan_of_search(connection, lawyer)}")
    print(
        f"  intake: index {cost['index_ms']:.2f} ms per item of {SENTENCES_PER_ITEM} sentences "
        f"({cost['index_ms'] / cost['save_ms']:.2f}× saving its transcript row, {cost['save_ms']:.2f} ms); "
        f"{cost['bytes'] / 1024:.1f} KiB per item"
    )
    for line in alternatives(connection, runs):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    if args.db == "both":  # Django is set up once per process: one process per database
        for db in ("sqlite", "postgres"):
            subprocess.run(
                [sys.executable, __file__, "--db", db, "--items", str(args.items), "--runs", str(args.runs)], check=True
            )
        return
    run(args.db, args.items, args.runs)


if __name__ == "__main__":
    main()
