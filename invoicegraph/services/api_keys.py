"""API keys: creation (the text is returned once), revocation, listing, and authentication."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, make_transient_to_detached
from sqlalchemy.pool import Pool

from invoicegraph.db.base import utcnow
from invoicegraph.db.models import Account, ApiKey
from invoicegraph.domain.api_keys import (
    ACCESS_LEVELS,
    MODES,
    ParsedKey,
    bearer_token,
    generate_key,
    hashes_match,
    parse_key,
)
from invoicegraph.domain.errors import (
    Forbidden,
    NotFound,
    PlanLimit,
    Unauthenticated,
    ValidationFailed,
)
from invoicegraph.domain.plans import limits_for
from invoicegraph.services.plan_limits import lock_account_for_limits

# last_used_at is a hint, not an audit log: writing it on every request would turn every read
# into a write, so it is refreshed at most this often.
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)

# How long a process trusts a key it has checked, without asking the database again. Each
# request would otherwise spend a transaction (three round trips) on its key. The price: a key
# revoked by *another* process (a second worker, the CLI) keeps working here for at most this
# long. A revocation, or any change to a key or an account, made through this process takes
# effect at once: see ``_forget_on_change``.
AUTH_CACHE_SECONDS = 5.0
AUTH_CACHE_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class AuthContext:
    """Who is calling: the account whose data the key works on (the sandbox for test keys),
    the live account that owns the key, the key itself and its mode."""

    account: Account
    owner: Account
    key: ApiKey
    mode: str

    @property
    def access(self) -> str:
        return self.key.access

    @property
    def test_mode(self) -> bool:
        return self.mode == "test"

    def require_write(self) -> None:
        if self.key.access not in ("write", "admin"):
            raise Forbidden("this API key is read-only")

    def require_admin(self) -> None:
        if self.key.access != "admin":
            raise Forbidden("this operation needs an admin API key")


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key: ApiKey
    text: str


async def create_key(
    session: AsyncSession,
    owner: Account,
    *,
    access: str,
    mode: str = "live",
    name: str = "",
) -> CreatedKey:
    if access not in ACCESS_LEVELS:
        raise ValidationFailed.single("access", f"must be one of {', '.join(ACCESS_LEVELS)}")
    if mode not in MODES:
        raise ValidationFailed.single("mode", f"must be one of {', '.join(MODES)}")
    if owner.is_sandbox:
        raise ValidationFailed.single("account", "keys belong to the live account")
    async with session.begin():
        limit = limits_for(owner.plan).api_keys
        if limit is not None:
            await lock_account_for_limits(session, owner)
            active = await session.scalar(
                select(func.count())
                .select_from(ApiKey)
                .where(ApiKey.account_id == owner.id, ApiKey.revoked_at.is_(None))
            )
            if (active or 0) >= limit:
                raise PlanLimit(
                    f"the {owner.plan} plan allows {limit} active API keys; "
                    "revoke one or upgrade to professional"
                )
        new = generate_key(mode, owner.uuid)
        key = ApiKey(
            account_id=owner.id,
            name=name[:120],
            mode=mode,
            access=access,
            secret_hash=new.secret_hash,
            hint=new.hint,
        )
        session.add(key)
        await session.flush()
    return CreatedKey(key=key, text=new.text)


async def revoke_key(
    session: AsyncSession, owner: Account, key_uuid: uuid.UUID, *, mode: str | None = None
) -> ApiKey:
    """Revoke a key of ``owner``; with ``mode`` only a key of that mode is found (a test key
    manages the sandbox's keys, never the live ones)."""
    async with session.begin():
        statement = select(ApiKey).where(ApiKey.account_id == owner.id, ApiKey.uuid == key_uuid)
        if mode is not None:
            statement = statement.where(ApiKey.mode == mode)
        key = await session.scalar(statement)
        if key is None:
            raise NotFound("api key", key_uuid)
        if key.revoked_at is None:
            key.revoked_at = utcnow()
    return key


async def list_keys(session: AsyncSession, owner: Account) -> list[ApiKey]:
    result = await session.scalars(
        select(ApiKey).where(ApiKey.account_id == owner.id).order_by(ApiKey.id)
    )
    return list(result)


_CacheKey = tuple[str, uuid.UUID, str]
_Row = TypeVar("_Row", Account, ApiKey)


class _AuthCache:
    """Keys checked recently, by the hash of their secret (never the text), with the monotonic
    time they stop being trusted. Only successful checks are kept: a wrong or revoked key
    always costs its query."""

    def __init__(self) -> None:
        self._entries: dict[_CacheKey, tuple[float, AuthContext]] = {}
        # bumped by every clear: a check that started before a clear is not kept after it
        self.generation = 0

    def get(self, key: _CacheKey) -> AuthContext | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry[1]

    def put(self, key: _CacheKey, auth: AuthContext, generation: int) -> None:
        if AUTH_CACHE_SECONDS <= 0 or generation != self.generation:
            return
        if len(self._entries) >= AUTH_CACHE_ENTRIES:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + AUTH_CACHE_SECONDS, auth)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()


_cache = _AuthCache()


def forget_checked_keys() -> None:
    """Make the next request of every key ask the database again."""
    _cache.clear()


_WATCHED = (ApiKey, Account)


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session: Session, _flush: UOWTransaction) -> None:
    """A key revoked or an account changed through the ORM in this process: forget every
    checked key (changes to keys and accounts are rare; reads are what the cache is for)."""
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, _WATCHED) and not _only_marks_use(instance):
            _cache.clear()
            return


def _only_marks_use(instance: object) -> bool:
    """A key whose only change is ``last_used_at`` (written by ``authenticate`` itself)."""
    if not isinstance(instance, ApiKey):
        return False
    state = inspect(instance)
    if state.deleted or state.was_deleted:
        return False
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return changed <= {"last_used_at"}


@event.listens_for(Engine, "handle_error")
def _forget_when_unreachable(context: ExceptionContext) -> None:
    """While the database cannot be reached nothing is trusted from memory either: every
    request answers 503 as it would without the cache, until the database is back."""
    if context.is_disconnect or context.connection is None:
        _cache.clear()


@event.listens_for(Pool, "invalidate")
def _forget_on_lost_connection(_dbapi_connection: Any, _record: Any, _exception: Any) -> None:
    """A pooled connection found dead (the server restarted or went away): the same."""
    _cache.clear()


def _detached(row: _Row) -> _Row:
    """A copy of ``row`` in no session, every column loaded: what the cache keeps. The
    request's own objects belong to its session, and a rollback there expires them."""
    mapper = inspect(row).mapper
    copy = mapper.class_(**{c.key: getattr(row, c.key) for c in mapper.column_attrs})
    make_transient_to_detached(copy)
    return copy


@event.listens_for(Session, "do_orm_execute")
def _forget_on_change(state: ORMExecuteState) -> None:
    """The same for bulk ``update(Account)`` / ``delete(ApiKey)`` statements."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ in _WATCHED:
        _cache.clear()


async def authenticate(session: AsyncSession, authorization: str | None) -> AuthContext:
    """Resolve an ``Authorization: Bearer fv_…`` header to who is calling, or raise
    ``Unauthenticated``. The one entry point for GraphQL, REST and subscriptions.

    A key checked within the last ``AUTH_CACHE_SECONDS`` is trusted without a query."""
    token = bearer_token(authorization)
    if token is None:
        raise Unauthenticated("missing API key: send 'Authorization: Bearer fv_live_…'")
    parsed = parse_key(token)
    if parsed is None:
        raise Unauthenticated("invalid API key")
    cache_key = (parsed.mode, parsed.account_uuid, parsed.secret_hash)
    cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    generation = _cache.generation
    auth = await _authenticate_in_database(session, parsed)
    owner = _detached(auth.owner)
    kept = AuthContext(
        account=owner if auth.account is auth.owner else _detached(auth.account),
        owner=owner,
        key=_detached(auth.key),
        mode=auth.mode,
    )
    _cache.put(cache_key, kept, generation)
    return auth


async def _authenticate_in_database(session: AsyncSession, parsed: ParsedKey) -> AuthContext:
    async with session.begin():
        # one indexed lookup: the key together with the account it names
        row = (
            await session.execute(
                select(ApiKey, Account)
                .join(Account, Account.id == ApiKey.account_id)
                .where(
                    Account.uuid == parsed.account_uuid,
                    Account.is_sandbox.is_(False),
                    ApiKey.secret_hash == parsed.secret_hash,
                )
            )
        ).first()
        if row is None or not hashes_match(row[0].secret_hash, parsed.secret_hash):
            raise Unauthenticated("invalid API key")
        key, owner = row[0], row[1]
        if key.revoked_at is not None:
            raise Unauthenticated("this API key has been revoked")
        if key.mode != parsed.mode:
            raise Unauthenticated("invalid API key")
        now = utcnow()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            key.last_used_at = now
        account = owner
        if key.mode == "test":
            sandbox = await session.scalar(
                select(Account).where(Account.live_account_id == owner.id)
            )
            if sandbox is None:
                raise Unauthenticated("this account has no test sandbox")
            account = sandbox
    return AuthContext(account=account, owner=owner, key=key, mode=key.mode)
