"""How a sweeper reports a database that stops answering: once, not on every poll.

A partition makes every sweep fail, once a poll interval, for as long as it lasts; a traceback
each time buries everything else in the log. So the first failure is one clear warning (what
failed, and that the node keeps trying), the failures after it are counted quietly with a
reminder line at most once a `remind` interval, and the first sweep that works again says how
long the outage lasted and how many sweeps it cost. The first failure carries its traceback
unless it is the store saying the database does not answer (`StoreUnavailableError`: the cause
is the network or the server, not a bug to chase).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from engine.errors import StoreUnavailableError

REMIND_S = 300.0  # a still-failing outage is mentioned again this often


class OutageLog:
    def __init__(
        self,
        log: logging.Logger,
        what: str,
        *,
        remind_s: float = REMIND_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = log
        self._what = what  # "sweeps on node n1"
        self._remind_s = remind_s
        self._monotonic = monotonic
        self._since: float | None = None  # when the outage began
        self._reminded = 0.0
        self._failures = 0

    @property
    def failing(self) -> bool:
        return self._since is not None

    def failed(self, error: BaseException) -> None:
        now = self._monotonic()
        self._failures += 1
        if self._since is None:
            self._since = self._reminded = now
            self._log.warning(
                "%s fail: %s; trying again every poll, and quiet until it recovers",
                self._what,
                describe(error),
                exc_info=None if isinstance(error, StoreUnavailableError) else error,
            )
        elif now - self._reminded >= self._remind_s:
            self._reminded = now
            self._log.warning(
                "%s still fail after %.0f s (%d failed): %s",
                self._what,
                now - self._since,
                self._failures,
                describe(error),
            )

    def succeeded(self) -> None:
        if self._since is None:
            return
        lasted = self._monotonic() - self._since
        self._log.warning(
            "%s work again, after %.0f s and %d failed", self._what, lasted, self._failures
        )
        self._since, self._failures = None, 0


def describe(error: BaseException) -> str:
    """`TimeoutError: the database did not answer`: the kind and the first line of the message,
    short (a database's message names no secret, but it may be long)."""
    text = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
