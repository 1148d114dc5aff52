"""What the Web API modules share: Slack's error answer, a steerable clock, fresh ids."""

from __future__ import annotations

import itertools
import time
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A refusal; ``body`` is Slack's JSON answer, ``status`` the HTTP status it comes with
    (Slack answers API errors with 200 and ``"ok": false``)."""

    def __init__(self, error: str, *, status: int = 200, body: JSON | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.body = body or {"ok": False, "error": error}


class Clock:
    """Monotonic time that tests can move forward, so expiry needs no sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self.offset


class Ids:
    """Unique, increasing ids in Slack's formats."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)

    def new(self, prefix: str) -> str:
        return f"{prefix}{next(self._serial):08d}"

    def ts(self) -> str:
        """A message ts: ``<unix seconds>.<6 digits>``, unique and sortable."""
        return f"{int(time.time())}.{next(self._serial):06d}"

    def trigger_id(self, team_id: str) -> str:
        return f"{next(self._serial)}.{team_id[1:]}.{time.time_ns():x}"

    def view_hash(self) -> str:
        return f"{int(time.time())}.{next(self._serial):08x}"
