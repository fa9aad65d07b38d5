#!/usr/bin/env bash
# Serve e-Cabinet with the development PKI's TSA/OCSP/CRL service and the ballots'
# sweep, the audit checkpoints and the resolution tasks' reminders beside Daphne; all
# stop when Daphne stops.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
"$PY" manage.py pki init
"$PY" manage.py pki serve &
pki_pid=$!
# Written ballots: reminders and closing at the deadline (docs/ballots.md).
"$PY" manage.py ballots_tick --loop "${BALLOT_TICK_SECONDS:-60}" &
tick_pid=$!
# Audit trail: a signed, timestamped checkpoint of the chain's head each
# AUDIT_CHECKPOINT_SECONDS (docs/audit.md); after a few seconds, so the TSA is listening.
(sleep 5 && exec "$PY" manage.py audit_checkpoint --loop 60) &
checkpoint_pid=$!
# Archive: renew archive timestamps before they lapse (docs/archive.md).
# (after a few seconds, so the TSA above is listening).
(sleep 5 && exec "$PY" manage.py archive_renew --due --loop "${ARCHIVE_RENEW_SECONDS:-86400}") &
renew_pid=$!
# Resolutions: reminders about their tasks, before the deadline and while overdue
# (docs/resolution-tasks.md).
"$PY" manage.py resolution_tasks_remind --loop "${RESOLUTION_TASKS_REMIND_SECONDS:-3600}" &
remind_pid=$!
trap 'kill "$pki_pid" "$tick_pid" "$checkpoint_pid" "$renew_pid" "$remind_pid" 2>/dev/null || true' EXIT INT TERM
echo "e-Cabinet on http://127.0.0.1:${PORT}/"
"$PY" -m daphne -b 127.0.0.1 -p "$PORT" ecabinet.asgi:application
