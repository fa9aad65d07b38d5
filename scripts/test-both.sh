#!/usr/bin/env bash
# Runs the suite on the embedded default (SQLite, in-memory layer) and on PostgreSQL +
# Redis at the same time: each run keeps about one core busy, and this machine has two.
# The SQLite run prints as it goes; the PostgreSQL run's output follows it from its log.
# Exits non-zero when either run fails.
set -uo pipefail
log_dir="${ECABINET_VAR_DIR:-var}"
mkdir -p "$log_dir"
pg_log="$log_dir/test-postgres.log"

# Set up already (make test depends on make setup): each run is pytest alone, so neither
# rewrites a file (a compiled catalogue) the other is reading.
py=.venv/bin/python
read -r -a args <<<"${PYTEST_ARGS:-}"

DATABASE_URL="$PG_URL" REDIS_URL="$REDIS_TEST_URL" "$py" -m pytest "${args[@]}" >"$pg_log" 2>&1 &
pg_pid=$!
trap 'kill "$pg_pid" 2>/dev/null' INT TERM

env -u DATABASE_URL -u REDIS_URL "$py" -m pytest "${args[@]}"
sqlite_rc=$?

wait "$pg_pid"
pg_rc=$?
trap - INT TERM

echo
echo "=== PostgreSQL + Redis run ($pg_log) ==="
cat "$pg_log"
echo
echo "SQLite run: $([ $sqlite_rc -eq 0 ] && echo passed || echo "FAILED ($sqlite_rc)")"
echo "PostgreSQL + Redis run: $([ $pg_rc -eq 0 ] && echo passed || echo "FAILED ($pg_rc)")"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
