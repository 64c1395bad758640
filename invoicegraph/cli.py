"""The ``invoicegraph`` command line for operators. Other tools script it, so each command
prints exactly what it promises on stdout (a UUID, a key) and everything else on stderr."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer

from invoicegraph.cli_exports import exports_app
from invoicegraph.cli_verifactu import verifactu_app
from invoicegraph.cli_webhooks import webhooks_app
from invoicegraph.db.engine import Database, create_database
from invoicegraph.db.migrate import migrate as run_migrations
from invoicegraph.domain.errors import DomainError, ValidationFailed
from invoicegraph.settings import get_settings

T = TypeVar("T")

app = typer.Typer(
    name="invoicegraph",
    help="invoicegraph: invoicing API server and operator tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
accounts_app = typer.Typer(help="Manage accounts (issuing companies).", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(keys_app, name="keys")
app.add_typer(verifactu_app, name="verifactu")
app.add_typer(exports_app, name="exports")
app.add_typer(webhooks_app, name="webhooks")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def run_with_database(work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the configured database (migrated to the newest schema), run ``work``, close.
    Domain and connection errors become one clear line on stderr and exit code 1."""

    async def _main() -> T:
        settings = get_settings()
        database = create_database(settings.database_url)
        try:
            await run_migrations(database)
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(_main())
    except ValidationFailed as exc:
        details = "; ".join(f"--{f.field.replace('_', '-')}: {f.message}" for f in exc.fields)
        fail(details or exc.message)
    except DomainError as exc:
        fail(exc.message)
    except (OSError, ConnectionError) as exc:
        fail(f"cannot reach the database: {exc}")
    except ValueError as exc:
        fail(str(exc))
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        raise
    raise AssertionError("unreachable")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema to the newest revision."""

    async def _noop(_database: Database) -> None:
        return None

    run_with_database(_noop)
    typer.echo("database is up to date", err=True)


WORKER_START_SECONDS = 60
# How long an idle kept-alive connection stays open. uvicorn's 5 s is exactly the idle expiry of
# httpx's and Node's client pools: a client reusing a connection as the server closes it gets a
# reset (1 of 3,010 requests in the 64-client load bench). Longer than the clients' own expiry,
# the client always gives up its idle connection first.
KEEP_ALIVE_SECONDS = 20


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.", min=1, max=64)] = 1,
) -> None:
    """Run the HTTP server (GraphQL, REST, health), migrating the database first."""
    import uvicorn

    async def _noop(_database: Database) -> None:
        return None

    from invoicegraph.http.logs import logging_config

    run_with_database(_noop)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # every worker writes its metrics there, and /metrics in any of them sums them all
        # (set before the workers start: prometheus-client reads it when first imported)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="invoicegraph-metrics-")
    typer.echo(f"invoicegraph listening on http://{host}:{port}  (GraphiQL at /graphql)", err=True)
    uvicorn.run(
        "invoicegraph.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        log_config=logging_config(get_settings().log_format),
        access_log=False,  # one structured line per request comes from the app itself
        # a worker imports the PDF stack before it answers the supervisor's first ping: on a
        # busy machine that takes longer than uvicorn's 5 s, and the worker is restarted forever
        timeout_worker_healthcheck=WORKER_START_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@accounts_app.command("create")
def accounts_create(
    name: Annotated[str, typer.Option(help="Legal name of the company.")],
    tax_id: Annotated[str, typer.Option("--tax-id", help="NIF/CIF of the company.")],
    plan: Annotated[str, typer.Option(help="free or professional.")] = "free",
    verifactu: Annotated[bool, typer.Option(help="Turn VERI*FACTU on.")] = False,
) -> None:
    """Create an account ready to invoice; prints its UUID."""
    from invoicegraph.services.accounts import create_account

    async def _create(database: Database) -> uuid.UUID:
        async with database.sessions() as session:
            account = await create_account(
                session, name=name, tax_id=tax_id, plan=plan, verifactu=verifactu
            )
            return account.uuid

    typer.echo(str(run_with_database(_create)))


@accounts_app.command("update")
def accounts_update(
    account: Annotated[str, typer.Option(help="The account's UUID.")],
    name: Annotated[str | None, typer.Option(help="Legal name.")] = None,
    trade_name: Annotated[str | None, typer.Option(help="Trade (commercial) name.")] = None,
    tax_id: Annotated[str | None, typer.Option("--tax-id", help="NIF/CIF.")] = None,
    address: Annotated[str | None, typer.Option(help="Street and number.")] = None,
    postal_code: Annotated[str | None, typer.Option(help="Postal code.")] = None,
    city: Annotated[str | None, typer.Option(help="City.")] = None,
    province: Annotated[str | None, typer.Option(help="Province.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code.")] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    phone: Annotated[str | None, typer.Option(help="Contact phone.")] = None,
    iban: Annotated[str | None, typer.Option(help="IBAN where the account collects.")] = None,
    lang: Annotated[str | None, typer.Option(help="Default document language.")] = None,
    date_format: Annotated[str | None, typer.Option(help="Default date format.")] = None,
    money_format: Annotated[str | None, typer.Option(help="Default money format.")] = None,
    currency: Annotated[str | None, typer.Option(help="Default currency.")] = None,
    brand_color: Annotated[str | None, typer.Option(help="Brand colour, #RRGGBB.")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone.")] = None,
    verifactu: Annotated[
        bool | None, typer.Option("--verifactu/--no-verifactu", help="VERI*FACTU on or off.")
    ] = None,
) -> None:
    """Change an account's settings (an empty value clears an optional one); prints its UUID."""
    from invoicegraph.services.account_settings import AccountSettings, update_account
    from invoicegraph.services.accounts import get_account
    from invoicegraph.services.unset import UNSET

    account_uuid = _parse_uuid(account)
    given: dict[str, Any] = {
        "name": name,
        "trade_name": trade_name,
        "tax_id": tax_id,
        "address": address,
        "postal_code": postal_code,
        "city": city,
        "province": province,
        "country": country,
        "email": email,
        "phone": phone,
        "iban": iban,
        "default_lang": lang,
        "default_date_format": date_format,
        "default_money_format": money_format,
        "default_currency": currency,
        "brand_color": brand_color,
        "timezone": timezone,
        "verifactu_enabled": verifactu,
    }
    settings = AccountSettings(
        **{key: UNSET if value is None else value for key, value in given.items()}
    )

    async def _update(database: Database) -> uuid.UUID:
        async with database.sessions() as session:
            owner = await get_account(session, account_uuid)
            updated = await update_account(session, owner, settings)
            return updated.uuid

    typer.echo(str(run_with_database(_update)))


@accounts_app.command("list")
def accounts_list() -> None:
    """Print every live account: UUID, tax id, plan, VERI*FACTU, name (tab-separated)."""
    from invoicegraph.services.account_settings import list_accounts

    async def _list(database: Database) -> list[str]:
        async with database.sessions() as session:
            rows = await list_accounts(session)
        return [
            "\t".join(
                (
                    str(row.uuid),
                    row.tax_id,
                    row.plan,
                    "verifactu" if row.verifactu_enabled else "-",
                    row.name,
                )
            )
            for row in rows
        ]

    for line in run_with_database(_list):
        typer.echo(line)


def _parse_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a UUID") from None


@keys_app.command("create")
def keys_create(
    account: Annotated[str, typer.Option(help="The account's UUID.")],
    access: Annotated[str, typer.Option(help="read, write or admin.")],
    test: Annotated[bool, typer.Option("--test", help="A test-mode (sandbox) key.")] = False,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "",
) -> None:
    """Create an API key; prints the key (shown only this once)."""
    from invoicegraph.services.accounts import get_account
    from invoicegraph.services.api_keys import create_key

    account_uuid = _parse_uuid(account)
    if access not in ("read", "write", "admin"):
        raise typer.BadParameter("must be read, write or admin", param_hint="--access")

    async def _create(database: Database) -> str:
        async with database.sessions() as session:
            owner = await get_account(session, account_uuid)
            created = await create_key(
                session, owner, access=access, mode="test" if test else "live", name=name
            )
            return created.text

    typer.echo(run_with_database(_create))


@keys_app.command("list")
def keys_list(account: Annotated[str, typer.Option(help="The account's UUID.")]) -> None:
    """Print the account's keys: UUID, mode, access, hint, state, name (tab-separated)."""
    from invoicegraph.services.accounts import get_account
    from invoicegraph.services.api_keys import list_keys

    account_uuid = _parse_uuid(account)

    async def _list(database: Database) -> list[str]:
        async with database.sessions() as session:
            owner = await get_account(session, account_uuid)
            async with session.begin():
                keys = await list_keys(session, owner)
        return [
            "\t".join(
                (
                    str(key.uuid),
                    key.mode,
                    key.access,
                    f"…{key.hint}",
                    f"revoked {key.revoked_at:%Y-%m-%dT%H:%M:%SZ}" if key.revoked_at else "active",
                    key.name,
                )
            )
            for key in keys
        ]

    for line in run_with_database(_list):
        typer.echo(line)


@keys_app.command("revoke")
def keys_revoke(
    account: Annotated[str, typer.Option(help="The account's UUID.")],
    key: Annotated[str, typer.Option(help="The key's UUID (see keys list).")],
) -> None:
    """Revoke a key; it stops working at once. Prints the key's UUID."""
    from invoicegraph.services.accounts import get_account
    from invoicegraph.services.api_keys import revoke_key

    account_uuid, key_uuid = _parse_uuid(account), _parse_uuid(key)

    async def _revoke(database: Database) -> uuid.UUID:
        async with database.sessions() as session:
            owner = await get_account(session, account_uuid)
            revoked = await revoke_key(session, owner, key_uuid)
            return revoked.uuid

    typer.echo(str(run_with_database(_revoke)))


@app.command()
def demo() -> None:
    """Create a demo account with two clients and two products; prints a write key."""
    from invoicegraph.services.demo import create_demo

    async def _demo(database: Database) -> str:
        return await create_demo(database)

    typer.echo(run_with_database(_demo))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
