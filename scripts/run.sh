#!/usr/bin/env bash
# Serve e-Cabinet with the development PKI's TSA/OCSP/CRL service and the periodic
# sweeps (deploy/sweeps.sh: written ballots, audit checkpoints, archive renewal, the
# resolution tasks' reminders) beside Daphne; all stop when Daphne stops.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
"$PY" manage.py pki init
"$PY" manage.py pki serve &
pki_pid=$!
# The sweeps start after a few seconds, so the TSA above is listening when the audit
# checkpoint and the archive renewal ask it for a timestamp.
(sleep 5 && PY="$PY" exec bash deploy/sweeps.sh) &
sweeps_pid=$!
trap 'kill "$pki_pid" "$sweeps_pid" 2>/dev/null || true' EXIT INT TERM
echo "e-Cabinet on http://127.0.0.1:${PORT}/"
"$PY" -m daphne -b 127.0.0.1 -p "$PORT" ecabinet.asgi:application
