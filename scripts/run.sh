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
# -B: the embedded scheduler runs the periodic sweep of stuck jobs.
.venv/bin/celery -A harassguard worker -B -s var/celerybeat-schedule -Q default,heavy --concurrency 1 --loglevel INFO &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo "HarassGuard: http://127.0.0.1:$PORT/"
.venv/bin/python manage.py runserver "127.0.0.1:$PORT"
