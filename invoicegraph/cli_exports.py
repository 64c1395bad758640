"""``invoicegraph exports …``: the VAT register and the plain list of invoices of an account
written to a file, read a page at a time however long the range.

The file is written beside ``--output`` and renamed onto it once complete, so a failed or
interrupted export never leaves half a register under the name asked for. On a terminal a
progress bar counts the invoices on stderr; in a pipe or a cron job nothing but the summary
line (stdout) is printed.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # imported by the commands themselves: `invoicegraph --help` stays quick
    from invoicegraph.db.engine import Database
    from invoicegraph.db.models import Account
    from invoicegraph.services.exports import ExportRange

exports_app = typer.Typer(
    help="Exports: the VAT register (libro registro de facturas expedidas), the invoices.",
    no_args_is_help=True,
)

AccountOption = Annotated[str, typer.Option("--account", help="The account's UUID.")]
SandboxOption = Annotated[
    bool, typer.Option("--sandbox", help="Export the account's sandbox instead.")
]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="First issue date (yyyy-mm-dd); default: the quarter's first."),
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Last issue date (yyyy-mm-dd); default: today.")
]
FormatOption = Annotated[str, typer.Option("--format", help="csv or xlsx.")]
OutputOption = Annotated[Path, typer.Option("--output", help="The file to write.")]


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date as yyyy-mm-dd", param_hint=flag
        ) from None


def _export(
    kind: str,
    account: str,
    sandbox: bool,
    start: str | None,
    end: str | None,
    fmt: str,
    output: Path,
) -> None:
    from invoicegraph.cli import run_with_database

    try:
        account_uuid = uuid.UUID(account)
    except ValueError:
        raise typer.BadParameter(f"{account!r} is not a UUID", param_hint="--account") from None
    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("csv or xlsx", param_hint="--format")
    first, last = _date(start, "--from"), _date(end, "--to")

    async def work(database: Database) -> str:
        from invoicegraph.services.accounts import get_account, sandbox_of
        from invoicegraph.services.exports import account_today, count_invoices, export_range

        async with database.sessions() as session:
            owner = await get_account(session, account_uuid)
            target = await sandbox_of(session, owner) if sandbox else owner
        span = export_range(first, last, today=account_today(target))
        total = await count_invoices(database, target, kind, span)
        written = await _write(database, target, kind, span, fmt, output, total)
        return f"{output}: {written} of {total} invoices, {span.start} to {span.end}"

    typer.echo(run_with_database(work))


async def _write(
    database: Database,
    account: Account,
    kind: str,
    span: ExportRange,
    fmt: str,
    output: Path,
    total: int,
) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from invoicegraph.services.export_files import csv_chunks, write_xlsx
    from invoicegraph.services.exports import export_pages

    done = 0
    progress: Progress | None = None
    task = None
    if sys.stderr.isatty():
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        task = progress.add_task(f"{kind} → {output.name}", total=total)
        progress.start()

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and task is not None:
            progress.update(task, advance=count)

    partial = output.with_name(f".{output.name}.part-{os.getpid()}")
    try:
        pages = export_pages(database, account, kind, span, on_invoices=advance)
        if fmt == "xlsx":
            await write_xlsx(
                pages, str(partial), "EXPEDIDAS_INGRESOS" if kind == "register" else "FACTURAS"
            )
        else:
            with partial.open("wb") as handle:
                async for chunk in csv_chunks(pages):
                    handle.write(chunk)
        partial.replace(output)
    finally:
        if progress is not None:
            progress.stop()
        partial.unlink(missing_ok=True)
    return done


@exports_app.command("register")
def register(
    account: AccountOption,
    output: OutputOption,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = "csv",
    sandbox: SandboxOption = False,
) -> None:
    """The register of invoices issued (AEAT layout, one row per invoice and tax rate)."""
    _export("register", account, sandbox, start, end, fmt, output)


@exports_app.command("invoices")
def invoices(
    account: AccountOption,
    output: OutputOption,
    start: FromOption = None,
    end: ToOption = None,
    fmt: FormatOption = "csv",
    sandbox: SandboxOption = False,
) -> None:
    """The invoices issued (and annulled), one row each with their totals."""
    _export("invoices", account, sandbox, start, end, fmt, output)
