#!/usr/bin/env bash
# Runs the whole suite. PostgreSQL and Redis are started when installed; the
# integration tests need both and say so when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh)"
export DEBUG=${DEBUG:-1}
# The shared material (the tiny.en checkpoint, the weights converter) lies beside the repository, or
# where SHARED_DIR says: without it the transcription tests cannot run, so say so before starting.
SHARED="${SHARED_DIR:-$(cd .. && pwd)/shared}"
if [ ! -f "$SHARED/models/whisper-tiny.en.pt" ]; then
  echo "test.sh: $SHARED/models/whisper-tiny.en.pt is missing: clone beside ../shared, or set SHARED_DIR to that folder" >&2
  exit 2
fi
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
# Whisper base (multilingual), once, into ~/.cache/harassguard/whisper-base: the Mandarin tests use it.
.venv/bin/python scripts/whisper_base.py >/dev/null
exec .venv/bin/python -m pytest "$@"
