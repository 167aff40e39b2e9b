#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis when they are installed but not running,
# and prints the DATABASE_URL / REDIS_URL exports for the ones that answer.
set -uo pipefail

if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 || true
fi
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >&2 || true
fi
for _ in $(seq 20); do
  pg_isready -q -h 127.0.0.1 2>/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 2>/dev/null && echo "export DATABASE_URL=\${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/harassguard}"
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && echo "export REDIS_URL=\${REDIS_URL:-redis://127.0.0.1:6379/0}"
exit 0
