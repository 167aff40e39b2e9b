"""Custody benchmark: what the keyed chain (HMAC-SHA256 under CUSTODY_KEY) costs per event,
against the plain SHA-256 chain it replaced, in the same run.

Three figures: the hash alone (a realistic event, 200,000 times each); `custody_record()` end to
end on PostgreSQL (case row lock, chain end lookup, insert, commit), the two hashes in alternating
rounds so the machine's load hits both alike; and `verify_custody`'s walk per event.

    .venv/bin/python bench/custody.py [--events 2000] [--rounds 4]
    (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/harassguard_bench_custody,
     is dropped and created again)
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/harassguard_bench_custody")
TMP = tempfile.mkdtemp()
os.environ.update(
    {
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "harassguard.settings",
        "REDIS_URL": "",
        "DATABASE_URL": DB_URL,
        "MEDIA_ROOT": f"{TMP}/media",
        "SIGNING_KEY_FILE": f"{TMP}/key.pem",
        "LOG_LEVEL": "ERROR",
    }
)


def reset_database() -> None:
    name, admin = DB_URL.rsplit("/", 1)[1], DB_URL.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)


def plain_hash(event, key=None) -> str:
    """The unkeyed chain before the HMAC (commit 696ae92)."""
    from evidence.custody import event_canonical

    return hashlib.sha256(event_canonical(event)).hexdigest()


def hash_alone(n: int) -> tuple[float, float]:
    from django.utils import timezone

    from evidence.custody import event_hash
    from evidence.models import CustodyEvent

    event = CustodyEvent(
        case_id="6f1c4ad2-8a3e-4d4e-9a55-1f0f3c2d9b11",
        item_id=None,
        action="processed_transcribe",
        actor_id=None,
        at=timezone.now(),
        ip="203.0.113.7",
        user_agent="harassguard-worker",
        detail={
            "ok": True,
            "segments": 41,
            "engine": "openai-whisper",
            "model": "small.pt",
            "sha256": "ab" * 32,
            "transcript_sha256": "cd" * 32,
        },
        prev_hash="ef" * 32,
    )
    timings = []
    for fn in (plain_hash, event_hash):
        fn(event)
        start = time.perf_counter()
        for _ in range(n):
            fn(event)
        timings.append((time.perf_counter() - start) / n * 1e6)
    return timings[0], timings[1]


def end_to_end(events: int, rounds: int) -> tuple[float, float, float]:
    from django.contrib.auth.models import User

    from cases.models import Case
    from evidence import custody
    from evidence.custody import Actor, chain_first_break, custody_record

    user = User.objects.create_user("bench", password="x")
    actor = Actor(user=user, ip="203.0.113.7", user_agent="Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36")
    keyed = custody.event_hash
    totals = {"plain": 0.0, "hmac": 0.0}
    for r in range(rounds):
        for label, fn in (
            (("plain", plain_hash), ("hmac", keyed)) if r % 2 == 0 else (("hmac", keyed), ("plain", plain_hash))
        ):
            custody.event_hash = fn
            case = Case.objects.create(owner=user, title=f"{label} {r}")
            start = time.perf_counter()
            for n in range(events):
                custody_record(case=case, action="item_viewed" if n % 3 else "original_downloaded", actor=actor, n=n)
            totals[label] += time.perf_counter() - start
    custody.event_hash = keyed
    case = Case.objects.get(title__startswith="hmac")
    start = time.perf_counter()
    assert chain_first_break(case) is None
    walk = (time.perf_counter() - start) / events * 1e6
    per = events * rounds / 2
    return totals["plain"] / per * 1e6, totals["hmac"] / per * 1e6, walk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    reset_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    plain, keyed = hash_alone(200_000)
    print(f"hash alone:            SHA-256 {plain:6.2f} µs   HMAC-SHA256 {keyed:6.2f} µs   (+{keyed - plain:.2f} µs)")
    plain, keyed, walk = end_to_end(args.events, args.rounds)
    print(
        f"custody_record on PG:  SHA-256 {plain:6.0f} µs   HMAC-SHA256 {keyed:6.0f} µs   "
        f"({args.events} events x {args.rounds // 2} rounds each, alternating)"
    )
    print(f"verify_custody walk:   {walk:.1f} µs per event (HMAC)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
