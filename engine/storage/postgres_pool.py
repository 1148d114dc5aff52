"""Bounded waits on PostgreSQL: a statement timeout and a pool acquire timeout, so a partition
or a stalled server becomes a short "the database is not answering" within seconds, instead of
a command that hangs for as long as the network does (and holds its user's queue meanwhile).

Every store call goes through `TimedPool`, which takes a connection with a deadline
(`acquire_s`: a pool whose connections are all stuck, or a new connection that cannot reach the
server) and runs the statement under asyncpg's client-side `command_timeout` (`statement_s`,
which cancels the query and gives the connection up if no answer comes back). The server also
gets `statement_timeout`, a little shorter, so a statement stuck behind a lock is cancelled
there and its locks freed, even though no client is waiting any more. A failure of that kind is
raised as `StoreUnavailableError`; once the network is back, the next call opens fresh
connections and the store serves again, with no restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from engine.errors import StoreUnavailableError
from engine.storage.timeouts import DatabaseTimeouts

log = logging.getLogger(__name__)

# What "not answering" looks like through asyncpg: our own deadlines, the server cancelling a
# statement at statement_timeout, and a connection lost or refused on the way.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    TimeoutError,
    OSError,
    asyncpg.QueryCanceledError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.ConnectionDoesNotExistError,
)


class TimedPool:
    """The asyncpg pool's query methods, each with both deadlines and one error for them all."""

    def __init__(self, pool: Any, timeouts: DatabaseTimeouts) -> None:
        self._pool = pool
        self.timeouts = timeouts

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[Any]:
        """A connection for several statements (a transaction); the release waits at most as
        long as the acquire did, then drops the connection."""
        try:
            async with self._pool.acquire(timeout=self.timeouts.acquire_s) as connection:
                yield connection
        except UNAVAILABLE as exc:
            raise _unavailable(exc) from exc

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        async with self.acquire() as connection:
            return list(await connection.fetch(query, *args))

    async def fetchrow(self, query: str, *args: Any) -> Any:
        async with self.acquire() as connection:
            return await connection.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.acquire() as connection:
            return await connection.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        async with self.acquire() as connection:
            return str(await connection.execute(query, *args))

    async def executemany(self, query: str, args: Any) -> None:
        async with self.acquire() as connection:
            await connection.executemany(query, args)

    async def close(self) -> None:
        await self._pool.close()

    def terminate(self) -> None:
        self._pool.terminate()


class _Quieted:
    """A warning at most once a `every_s`, with how many were held back: a partition fails
    every statement of every node's sweeper and commands, and one line says it."""

    def __init__(self, every_s: float) -> None:
        self._every_s = every_s
        self._last: float | None = None
        self._held = 0

    def warn(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if self._last is not None and now - self._last < self._every_s:
            self._held += 1
            return
        held, self._held, self._last = self._held, 0, now
        more = f" ({held} more since the last line)" if held else ""
        log.warning(message + more, *args)


_NOT_ANSWERING = _Quieted(60.0)


def _unavailable(exc: BaseException) -> StoreUnavailableError:
    # One line, no traceback (the cause is the network or the server, not a bug to chase),
    # and at most one a minute.
    _NOT_ANSWERING.warn("PostgreSQL is not answering: %s", type(exc).__name__)
    return StoreUnavailableError()
