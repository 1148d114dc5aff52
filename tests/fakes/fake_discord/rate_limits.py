"""429s on demand: the next calls to a route are answered as Discord answers a rate-limited
request, with ``Retry-After``, the ``X-RateLimit-*`` headers and a ``retry_after`` body, global
or per route, and with ``Via`` (Discord's front end) unless a Cloudflare ban is imitated."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

from .records import JSON, RestCall


@dataclass
class RateLimitRule:
    method: str
    pattern: re.Pattern[str]
    remaining: int
    retry_after: float
    is_global: bool
    via: bool


class RateLimited(Exception):
    def __init__(self, rule: RateLimitRule) -> None:
        super().__init__("rate limited")
        self.body: JSON = {
            "message": "You are being rate limited.",
            "retry_after": rule.retry_after,
            "global": rule.is_global,
            "code": 0,
        }
        self.headers = {
            "Retry-After": str(math.ceil(rule.retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + rule.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{rule.retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-" + rule.pattern.pattern.encode().hex()[:16],
            "X-RateLimit-Scope": "global" if rule.is_global else "user",
        }
        if rule.is_global:
            self.headers["X-RateLimit-Global"] = "true"
        if rule.via:
            self.headers["Via"] = "1.1 google"


class RateLimits:
    """The rules given by :meth:`rate_limit`, applied to every REST call before its route."""

    _rate_limits: list[RateLimitRule]

    def rate_limit(
        self,
        method: str,
        path_pattern: str,
        *,
        count: int = 1,
        retry_after: float = 0.2,
        is_global: bool = False,
        via: bool = True,
    ) -> None:
        """Answer the next ``count`` calls matching ``path_pattern`` (a regex over the path
        relative to ``/api/v10``) with 429. ``via=False`` imitates a Cloudflare ban."""
        rule = RateLimitRule(method, re.compile(path_pattern), count, retry_after, is_global, via)
        self._rate_limits.append(rule)

    def _apply_rate_limits(self, call: RestCall) -> None:
        for rule in self._rate_limits:
            if rule.method == call.method and rule.pattern.fullmatch(call.path) and rule.remaining:
                rule.remaining -= 1
                raise RateLimited(rule)
