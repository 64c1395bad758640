"""``invoicegraph verifactu …``: chain verification, the sending worker and the unsent count.

``verify`` prints one line per account on stdout (``OK …`` or ``BROKEN …``) and exits 1 when a
chain is broken, so a cron job or a monitor can run it as it is.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
import uuid
from typing import TYPE_CHECKING, Annotated

import typer

from invoicegraph.settings import get_settings

if TYPE_CHECKING:  # imported by the commands themselves: `invoicegraph --help` stays quick
    from invoicegraph.db.engine import Database
    from invoicegraph.db.models import Account

verifactu_app = typer.Typer(
    help="VERI*FACTU: verify record chains, send records to the tax agency.",
    no_args_is_help=True,
)

AccountOption = Annotated[
    str | None, typer.Option("--account", help="Only this account's UUID (and its sandbox).")
]


def _account_uuid(value: str | None) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a UUID", param_hint="--account") from None


async def _accounts(database: Database, account_uuid: uuid.UUID | None) -> list[Account]:
    """The named live account and its sandbox, or every account with VERI*FACTU or records."""
    from sqlalchemy import exists, or_, select

    from invoicegraph.db.models import Account, VerifactuRecord
    from invoicegraph.domain.errors import NotFound

    async with database.sessions() as session, session.begin():
        statement = select(Account).order_by(Account.id)
        if account_uuid is None:
            has_records = exists().where(VerifactuRecord.account_id == Account.id)
            statement = statement.where(or_(Account.verifactu_enabled.is_(True), has_records))
        else:
            live = select(Account.id).where(Account.uuid == account_uuid).scalar_subquery()
            statement = statement.where(or_(Account.id == live, Account.live_account_id == live))
        accounts = list(await session.scalars(statement))
    if account_uuid is not None and not accounts:
        raise NotFound("account", account_uuid)
    return accounts


def _label(account: Account) -> str:
    sandbox = " (sandbox)" if account.is_sandbox else ""
    owner = account.live_account_id if account.is_sandbox else None
    return f"{account.uuid}{sandbox} {account.name}" + (f" [of account {owner}]" if owner else "")


@verifactu_app.command("verify")
def verify(account: AccountOption = None) -> None:
    """Recompute every fingerprint and link; print OK or the first break per account."""
    from invoicegraph.cli import run_with_database
    from invoicegraph.services.verifactu.verify import verify_account_chain

    account_uuid = _account_uuid(account)

    async def _verify(database: Database) -> bool:
        intact = True
        for row in await _accounts(database, account_uuid):
            async with database.sessions() as session, session.begin():
                found = await verify_account_chain(session, row)
            if found is None:
                typer.echo(f"OK {_label(row)}")
                continue
            intact = False
            invoice = found.invoice
            typer.echo(
                f"BROKEN {_label(row)}: record {found.index} ({found.operation.value} "
                f"{invoice.number} of {invoice.issue_date.isoformat()}): "
                f"{found.problem.value}: {found.detail}"
            )
        return intact

    if not run_with_database(_verify):
        raise typer.Exit(1)


@verifactu_app.command("status")
def status(account: AccountOption = None) -> None:
    """Print how many records of each account the agency has not taken yet."""
    from invoicegraph.cli import run_with_database
    from invoicegraph.services.verifactu.outbox import unsent_count

    account_uuid = _account_uuid(account)

    async def _status(database: Database) -> None:
        for row in await _accounts(database, account_uuid):
            async with database.sessions() as session, session.begin():
                unsent = await unsent_count(session, row)
            typer.echo(f"{unsent} unsent {_label(row)}")

    run_with_database(_status)


@verifactu_app.command("worker")
def worker(
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then exit.")] = False,
) -> None:
    """Send pending records to the agency until stopped (SIGTERM / Ctrl-C finish the batch)."""
    from invoicegraph.cli import fail, run_with_database
    from invoicegraph.domain.errors import DomainError
    from invoicegraph.services.verifactu.transport import HttpsTransport, client_tls_context
    from invoicegraph.services.verifactu.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_settings()
    try:
        context = client_tls_context(settings)
    except DomainError as exc:
        fail(exc.message)
        return
    except (OSError, ssl.SSLError) as exc:
        fail(f"cannot load the VERI*FACTU client certificate: {exc}")
        return

    async def _work(database: Database) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        transport = HttpsTransport(context, settings.verifactu_timeout_seconds)
        try:
            await run_worker(database, settings, stop, transport=transport, once=once)
        finally:
            await transport.aclose()

    run_with_database(_work)
