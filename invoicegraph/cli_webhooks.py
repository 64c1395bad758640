"""``invoicegraph webhooks …``: the delivery worker and a count of deliveries by state.

``serve`` runs the worker in each server process by default (``WEBHOOKS_WORKER_IN_SERVE``);
``invoicegraph webhooks worker`` runs it on its own, e.g. with ``WEBHOOKS_WORKER_IN_SERVE=false``
on the servers. Any number of workers may run against one PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING, Annotated

import typer

from invoicegraph.settings import get_settings

if TYPE_CHECKING:  # imported by the commands themselves: `invoicegraph --help` stays quick
    from invoicegraph.db.engine import Database

webhooks_app = typer.Typer(
    help="Webhooks: deliver the accounts' events to their endpoints.", no_args_is_help=True
)


@webhooks_app.command("worker")
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is due now, then exit.")
    ] = False,
) -> None:
    """Deliver events until stopped (SIGTERM / Ctrl-C finish the POSTs in flight first)."""
    from invoicegraph.cli import run_with_database
    from invoicegraph.rest.api.webhook_objects import api_object
    from invoicegraph.services.webhooks.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_settings()

    async def _work(database: Database) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_worker(database, settings, stop, shaper=api_object, once=once)

    run_with_database(_work)


@webhooks_app.command("status")
def status() -> None:
    """Print how many deliveries are in each state (pending, sending, delivered, failed)."""
    from invoicegraph.cli import run_with_database
    from invoicegraph.services.webhooks.outbox import delivery_counts

    async def _status(database: Database) -> None:
        async with database.sessions() as session:
            counts = await delivery_counts(session)
        for state, count in counts.items():
            typer.echo(f"{count} {state}")

    run_with_database(_status)
