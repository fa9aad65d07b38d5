#!/usr/bin/env bash
# The periodic sweeps, run once for the whole site (on one machine), beside the Daphne
# processes: written ballots' reminders and closing, the audit trail's checkpoints, the
# archive's timestamp renewal, the reminders about resolutions' tasks, the exchange's
# outbox. Each is idempotent.
# When one ends, all stop, so the service manager (systemd's Restart=always, or
# scripts/prod-local.sh) starts them again together.
set -euo pipefail
PY=${PY:-.venv/bin/python}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py ballots_tick --loop "${BALLOT_TICK_SECONDS:-60}" &
pids+=($!)
"$PY" manage.py audit_checkpoint --loop 60 &
pids+=($!)
"$PY" manage.py archive_renew --due --loop "${ARCHIVE_RENEW_SECONDS:-86400}" &
pids+=($!)
"$PY" manage.py resolution_tasks_remind --loop "${RESOLUTION_TASKS_REMIND_SECONDS:-3600}" &
pids+=($!)
"$PY" manage.py exchange_send --loop "${EXCHANGE_SEND_SECONDS:-30}" &
pids+=($!)
wait -n "${pids[@]}"
