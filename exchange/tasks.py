"""Background work for the exchange: a thin wrapper around the outbox (services.outbox_run)."""

from __future__ import annotations

from django_tasks import task


@task()
def exchange_outbox_task() -> dict:
    from exchange.services import outbox_run

    return outbox_run()
