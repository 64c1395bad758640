"""Configuration, read once from the environment (prefix-less, 12-factor style)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from strawberry.http.websocket_origin import normalize_allowed_origins

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
    # where the rate limiter counts: memory:// (per process) or redis://host:port/db (shared
    # by every worker and instance)
    rate_limit_storage_url: str = "memory://"
    # browsers on these origins may call every face: comma-separated origins, or "*"
    cors_allow_origins: str = ""
    # the absolute base of links the server writes (pagination); unset: relative links
    public_base_url: str = ""
    # observability: "text" or "json" log lines; Prometheus metrics at /metrics
    log_format: str = Field(default="text", pattern="^(text|json)$")
    metrics_enabled: bool = True
    # responses smaller than this are sent as they are (compressing them costs more than it saves)
    compress_min_bytes: int = Field(default=1024, ge=0)
    # VERI*FACTU sending (the agency's web service)
    verifactu_endpoint: str | None = None
    verifactu_cert_file: str | None = None
    verifactu_key_file: str | None = None
    verifactu_ca_file: str | None = None
    verifactu_worker_in_serve: bool = False
    # where sandbox accounts' records go; None = the agency's test endpoint (live ones:
    # ``verifactu_endpoint``, None = the agency's production endpoint)
    verifactu_sandbox_endpoint: str | None = None
    # the SistemaInformatico every record names: the producer answerable for the software's
    # declaración responsable (no default: a made-up tax id would be a false statement)
    verifactu_producer_name: str | None = None
    verifactu_producer_nif: str | None = None
    verifactu_installation_number: str = Field(default="1", min_length=1, max_length=100)
    # the sending worker: records per submission, idle poll, HTTP timeout, retry backoff
    verifactu_batch_size: int = Field(default=1000, ge=1, le=1000)
    verifactu_poll_seconds: float = Field(default=5.0, gt=0)
    verifactu_timeout_seconds: float = Field(default=60.0, gt=0)
    verifactu_retry_base_seconds: float = Field(default=30.0, gt=0)
    verifactu_retry_max_seconds: float = Field(default=3600.0, gt=0, le=3600)
    # webhooks: by default endpoints must be https on public addresses (checked again at
    # delivery, after DNS resolution); true (local development, tests) allows http, loopback
    # and private ranges
    webhooks_allow_private: bool = False
    # the delivery worker runs inside ``serve`` (every process; several never double-send)
    webhooks_worker_in_serve: bool = True
    # one POST's whole time limit (resolution, connection, request and answer)
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # idle poll when nothing wakes the worker (PostgreSQL wakes it on each committed event)
    webhooks_poll_seconds: float = Field(default=1.0, gt=0)
    # woken by a committed event, the worker waits this long for more before fanning out:
    # one pass (a few transactions) per batch of events instead of per event
    webhooks_batch_seconds: float = Field(default=0.2, ge=0, le=10)
    # deliveries sent at once by one worker
    webhooks_concurrency: int = Field(default=10, ge=1, le=200)
    # retries: doubling from the base (with jitter), capped, for the window after the first try
    webhooks_retry_base_seconds: float = Field(default=60.0, gt=0)
    webhooks_retry_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    webhooks_retry_window_seconds: float = Field(default=3 * 86400.0, gt=0)
    # an endpoint failing without a single success for this long is disabled
    webhooks_disable_after_seconds: float = Field(default=3 * 86400.0, gt=0)
    # documents
    pdf_workers: int = Field(default=2, ge=1, le=64)
    # true: start-up waits until the PDF processes are up and warm, so the server (and /health)
    # answers only then; false: the processes start on the first PDF, which waits for them
    pdf_warm_on_start: bool = True
    # lists and gets of invoices, quotes and clients answered by JSON the database writes
    # (invoicegraph.sqlread); false answers them through the ORM and the shapers, the
    # reference the tests compare the SQL-built answers with
    sql_reads: bool = True

    @field_validator("cors_allow_origins")
    @classmethod
    def _origins_are_origins(cls, value: str) -> str:
        normalize_allowed_origins(_split(value))  # a bad origin stops the server at start
        return value

    @field_validator("public_base_url")
    @classmethod
    def _base_url_is_absolute(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL must start with http:// or https://")
        return value

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _storage_is_known(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://")):
            raise ValueError("RATE_LIMIT_STORAGE_URL must be memory:// or redis://…")
        return value

    @property
    def cors_origins(self) -> tuple[str, ...]:
        return tuple(_split(self.cors_allow_origins))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()
