#!/usr/bin/env bash
# Serve e-Cabinet with the development PKI's TSA/OCSP/CRL service beside Daphne; the
# PKI service stops when Daphne stops.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
"$PY" manage.py pki init
"$PY" manage.py pki serve &
pki_pid=$!
trap 'kill "$pki_pid" 2>/dev/null || true' EXIT INT TERM
echo "e-Cabinet on http://127.0.0.1:${PORT}/"
"$PY" -m daphne -b 127.0.0.1 -p "$PORT" ecabinet.asgi:application
