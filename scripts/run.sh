#!/usr/bin/env bash
# Serves the site on 127.0.0.1:$PORT with a Celery worker beside it, on the
# embedded defaults: SQLite, a local media folder and a filesystem broker.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=${DEBUG:-1}
PORT=${PORT:-8000}
mkdir -p var/broker/queue var/broker/control var/media
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
.venv/bin/python manage.py migrate --no-input -v 0
# Two workers: quick jobs (hashing, time stamps, call logs) on "default", and transcription, OCR
# and bundles on "heavy", one process using TRANSCRIBE_THREADS threads (workers × threads ≤ cores),
# so a long call never holds up the quick steps. -B: the embedded scheduler sweeps stuck jobs.
.venv/bin/celery -A harassguard worker -n quick@%h -B -s var/celerybeat-schedule -Q default --concurrency 1 --loglevel INFO &
worker=$!
HEAVY_WORKER_CONCURRENCY=1 .venv/bin/celery -A harassguard worker -n heavy@%h -Q heavy --concurrency 1 --loglevel INFO &
heavy=$!
trap 'kill $worker $heavy 2>/dev/null; wait $worker $heavy 2>/dev/null' EXIT INT TERM
echo "HarassGuard: http://127.0.0.1:$PORT/"
.venv/bin/python manage.py runserver "127.0.0.1:$PORT"
