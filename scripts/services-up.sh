#!/usr/bin/env bash
# Exit 0 when the PostgreSQL and Redis given as URLs answer, so the suite can run on them.
set -uo pipefail
pg_url="$1"
redis_url="$2"
.venv/bin/python - "$pg_url" "$redis_url" <<'PY'
import sys

import psycopg
import redis

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
    redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
except Exception as exc:  # noqa: BLE001
    print(f"not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
