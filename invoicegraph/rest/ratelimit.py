"""Per-key rate limiting: a token bucket per API key, refilled continuously.

It lives in the worker process: with N workers a key gets up to N times the limit in the
worst case. That keeps the hot path free of database round trips; a shared limiter
(PostgreSQL or Redis) is the next step when limits must be exact across instances.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after: int  # until one request is allowed (0 when allowed)

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._buckets: dict[object, _Bucket] = {}
        self._clock = time.monotonic

    def check(self, key: object) -> RateDecision:
        if self.per_minute <= 0:
            return RateDecision(True, 0, 0, 0, 0)
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(tokens=float(self.per_minute), updated=now)
            if len(self._buckets) > 100_000:  # forget idle keys rather than grow forever
                self._buckets = {key: bucket}
        bucket.tokens = min(self.per_minute, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        missing = self.per_minute - bucket.tokens
        return RateDecision(
            allowed=allowed,
            limit=self.per_minute,
            remaining=int(bucket.tokens),
            reset_seconds=math.ceil(missing / self._rate),
            retry_after=0 if allowed else max(1, math.ceil((1 - bucket.tokens) / self._rate)),
        )
