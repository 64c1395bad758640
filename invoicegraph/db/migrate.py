"""Running Alembic migrations programmatically, on either database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


async def migrate(database: Database, target: str = "head") -> None:
    """Bring the database to the newest revision (idempotent), or to ``target``."""

    def _upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # several instances may start at once: one migrates, the others wait and find
            # nothing left to do
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7283640001)")
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, target)

    def _upgrade_sqlite(connection: Connection) -> None:
        # a migration that rebuilds a table (0006) must not fire the foreign keys of the rows
        # it moves: enforcement is off while migrating (SQLite takes this pragma only outside
        # a transaction), and every foreign key is checked before the migration commits
        driver = connection.connection.dbapi_connection
        assert driver is not None
        _pragma(driver, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                _upgrade(connection)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            _pragma(driver, "PRAGMA foreign_keys=ON")

    if database.dialect == "sqlite":
        async with database.engine.connect() as connection:
            await connection.run_sync(_upgrade_sqlite)
        return
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _pragma(driver: Any, statement: str) -> None:
    cursor = driver.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


async def current_revision(database: Database) -> str | None:
    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
