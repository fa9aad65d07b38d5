#!/usr/bin/env bash
# The production layout on one machine, for a trial: nginx on $PORT in front of
# $DAPHNES Daphne processes, on PostgreSQL ($DATABASE_URL) and Redis ($REDIS_URL), with
# the periodic sweeps run once beside them (docs/deployment.md). A Daphne that ends is
# started again; everything stops on Ctrl-C or when nginx ends.
#
#   DATABASE_URL=postgres://… REDIS_URL=redis://… scripts/prod-local.sh
#
# PORT (8000), DAPHNES (2), RUN_DIR (var/prod-local), PY (.venv/bin/python),
# SWEEPS (1: run the sweeps and the development PKI's TSA/OCSP/CRL service; 0: another
# machine runs them), PREPARE (1: create the database if missing, migrate and collect
# static files first), DEMO (0; 1: load the demo data).
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
DAPHNES=${DAPHNES:-2}
RUN_DIR=$(realpath -m "${RUN_DIR:-${ECABINET_VAR_DIR:-var}/prod-local}")
SWEEPS=${SWEEPS:-1}
PREPARE=${PREPARE:-1}

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database (postgres://…)}"
: "${REDIS_URL:?set REDIS_URL to a Redis database (redis://…)}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "DATABASE_URL must be PostgreSQL: Daphne processes share one database" >&2; exit 2 ;;
esac
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx not found: run make system" >&2; exit 2; }

mkdir -p "$RUN_DIR"
export DATABASE_URL REDIS_URL
export STATIC_ROOT=${STATIC_ROOT:-$RUN_DIR/static}
export DEBUG=${DEBUG:-false}
if [ "$PREPARE" = 1 ]; then
    "$PY" - "$DATABASE_URL" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as db:
    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created the database {name}")
PY
    "$PY" manage.py migrate --no-input -v 0
    "$PY" manage.py collectstatic --no-input -v 0
    [ "${DEMO:-0}" = 1 ] && "$PY" manage.py seed_demo
fi

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pids=()
stop() {
    trap - EXIT INT TERM
    [ -f "$RUN_DIR/nginx.pid" ] && kill "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null || true
    kill "${pids[@]}" 2>/dev/null || true
    for pidfile in "$RUN_DIR"/daphne-*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# Each Daphne runs under a loop that starts it again a second after it ends, as systemd's
# Restart=always does in production: nginx leaves it out meanwhile.
supervise() {
    local n=$1 port=$2
    while true; do
        "$PY" -m daphne -b 127.0.0.1 -p "$port" --proxy-headers ecabinet.asgi:application \
            >>"$RUN_DIR/daphne-$n.log" 2>&1 &
        echo $! >"$RUN_DIR/daphne-$n.pid"
        wait $! || true
        echo "daphne $n ended; starting it again" >>"$RUN_DIR/daphne-$n.log"
        sleep 1
    done
}

servers=""
: >"$RUN_DIR/daphnes"
for n in $(seq 1 "$DAPHNES"); do
    port=$(free_port)
    supervise "$n" "$port" &
    pids+=($!)
    echo "$n $port" >>"$RUN_DIR/daphnes"
    servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"$'\n'
done

# nginx starts once every Daphne listens.
for port in $(cut -d' ' -f2 "$RUN_DIR/daphnes"); do
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.2
    done
done

if [ "$SWEEPS" = 1 ]; then
    # Once for the whole site, not once per Daphne.
    "$PY" manage.py pki init
    "$PY" manage.py pki serve >"$RUN_DIR/pki.log" 2>&1 &
    pids+=($!)
    # The audit checkpoints ask its timestamp authority at once.
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/${SIGNING_DEV_PKI_PORT:-9110}") 2>/dev/null && break
        sleep 0.1
    done
    PY="$PY" bash deploy/sweeps.sh >"$RUN_DIR/sweeps.log" 2>&1 &
    pids+=($!)
fi

max_body=$(("$("$PY" -c 'from django.conf import settings; import django; django.setup(); print(settings.PAPER_MAX_UPLOAD_MB)' 2>/dev/null || echo 50)" + 5))
mkdir -p "$RUN_DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
# Started by root (a container, a trial), nginx's workers would become `nobody` and could
# not read a private run directory: they run as whoever started this script instead.
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un);"
awk -v user="$user_line" -v run="$RUN_DIR" -v port="$PORT" -v static="$STATIC_ROOT" -v body="$max_body" \
    -v servers="$servers" '
    { gsub(/@USER_LINE@/, user); gsub(/@RUN_DIR@/, run); gsub(/@PORT@/, port); gsub(/@STATIC_ROOT@/, static);
      gsub(/@MAX_BODY_MB@/, body) }
    /@UPSTREAM_SERVERS@/ { printf "%s", servers; next }
    { print }' deploy/nginx.conf.template >"$RUN_DIR/nginx.conf"
"$NGINX" -t -q -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log"
"$NGINX" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -g "daemon off;" &
nginx_pid=$!

echo "e-Cabinet on http://127.0.0.1:$PORT/ (nginx, $DAPHNES Daphne processes; logs in $RUN_DIR)"
# Everything stops when nginx does (or on Ctrl-C).
wait "$nginx_pid"
