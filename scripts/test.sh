#!/usr/bin/env bash
# Runs the whole suite. PostgreSQL and Redis are started when installed; the
# integration tests need both and say so when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh)"
export DEBUG=${DEBUG:-1}
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
# Whisper base (multilingual), once, into ~/.cache/harassguard/whisper-base: the Mandarin tests use it.
.venv/bin/python scripts/whisper_base.py >/dev/null
exec .venv/bin/python -m pytest "$@"
