# ruff: noqa: ASYNC109  # wait_for takes a timeout on purpose: it bounds every wait in the tests
"""What the fake saw: every Web API and response_url call, and a way to await the next one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
RESPONSE_URL = "response_url"  # the ``method`` of calls to a response_url


@dataclass
class Call:
    """One request to the fake: ``method`` is ``"chat.postMessage"``… or ``"response_url"``."""

    method: str
    body: JSON  # query parameters, form fields and JSON body merged; JSON-in-form decoded
    headers: dict[str, str]
    status: int = 200
    response: JSON = field(default_factory=dict)
    key: str | None = None  # the response_url key, for response_url calls
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.response.get("ok") is True


Match = str | Callable[[Call], bool]


def matches(match: Match, call: Call) -> bool:
    return call.method == match if isinstance(match, str) else match(call)


class Recorder:
    """An append-only list of calls that tests can wait on instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = asyncio.Condition()

    async def add(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    def find(self, match: Match) -> list[Call]:
        return [c for c in self.calls if matches(match, c)]

    async def wait_for(self, match: Match, *, timeout: float = 2.0, nth: int = 1) -> Call:
        """The ``nth`` (1-based) call matching ``match``, already recorded or still to come."""

        def arrived() -> bool:
            return len(self.find(match)) >= nth

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(arrived)
        except TimeoutError:
            seen = ", ".join(f"{c.method}:{c.status}" for c in self.calls) or "nothing"
            raise AssertionError(
                f"no call #{nth} matching {match!r} within {timeout} s; the fake saw: {seen}"
            ) from None
        return self.find(match)[nth - 1]
