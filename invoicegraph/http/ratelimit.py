"""One rate limiter for every face: a moving window per API key (exact: no burst at a
window's edge), counted by ``limits``.

In memory by default (per worker process: with N workers a key gets up to N times the
limit), or in Redis when ``RATE_LIMIT_STORAGE_URL=redis://…``, where every worker and every
instance counts against the same window. A storage that cannot be reached lets requests
through (logged): the limiter protects the service, it must not take it down.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

log = logging.getLogger("invoicegraph.ratelimit")

KEY_PREFIX = "invoicegraph"
OUTAGE_LOG_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the window has room for the whole limit again
    retry_after: int  # until one request is allowed (0 when allowed)

    def headers(self) -> dict[str, str]:
        if self.limit == 0:
            return {}
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


UNLIMITED = RateDecision(True, 0, 0, 0, 0)


def open_storage(url: str) -> Storage:
    if url.startswith("memory://"):
        return MemoryStorage()
    # redis-py's asyncio client (the ``limits[redis]`` extra), under our own key prefix
    storage = storage_from_string(
        f"async+{url}", implementation="redispy", key_prefix=KEY_PREFIX, wrap_exceptions=True
    )
    assert isinstance(storage, Storage)
    return storage


class RateLimiter:
    """``await limiter.check(key)`` counts one request of ``key`` and says whether it may go."""

    def __init__(self, per_minute: int, storage_url: str = "memory://") -> None:
        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(max(per_minute, 1))
        self._storage = open_storage(storage_url)
        self._strategy = MovingWindowRateLimiter(self._storage)
        self._outage_logged = -math.inf

    async def check(self, key: str) -> RateDecision:
        if self.per_minute <= 0:
            return UNLIMITED
        try:
            allowed = await self._strategy.hit(self._item, key)
            stats = await self._strategy.get_window_stats(self._item, key)
        except Exception:  # the storage is down: serve, and say so now and then
            now = time.monotonic()
            if now - self._outage_logged > OUTAGE_LOG_SECONDS:
                self._outage_logged = now
                log.warning(
                    "rate-limit storage unreachable: requests pass unlimited", exc_info=True
                )
            return UNLIMITED
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return RateDecision(
            allowed=allowed,
            limit=self.per_minute,
            remaining=stats.remaining,
            reset_seconds=reset,
            retry_after=0 if allowed else max(1, reset),
        )
