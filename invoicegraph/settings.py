"""Configuration, read once from the environment (prefix-less, 12-factor style)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./invoicegraph.db"


class Settings(BaseSettings):
    """Every knob of the service. Passed explicitly; nothing else reads the environment."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", env_file=None)

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_echo: bool = False
    # GraphQL face
    graphiql_enabled: bool = True
    introspection_enabled: bool = True
    # HTTP limits
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    rate_limit_per_minute: int = Field(default=600, ge=0)
    # VERI*FACTU sending (the agency's web service)
    verifactu_endpoint: str | None = None
    verifactu_cert_file: str | None = None
    verifactu_key_file: str | None = None
    verifactu_ca_file: str | None = None
    verifactu_worker_in_serve: bool = False
    # documents
    pdf_workers: int = Field(default=2, ge=1, le=64)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
