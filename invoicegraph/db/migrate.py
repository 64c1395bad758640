"""Running Alembic migrations programmatically, on either database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from invoicegraph.db.engine import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def migrate(database: Database) -> None:
    """Bring the database to the newest revision (idempotent)."""

    def _upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # several instances may start at once: one migrates, the others wait and find
            # nothing left to do
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7283640001)")
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def current_revision(database: Database) -> str | None:
    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
