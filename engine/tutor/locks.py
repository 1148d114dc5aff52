"""Per-key asyncio locks that disappear when nobody holds or waits for them (bounded memory).

A held lock can be handed over: the `hold` block then ends without releasing it, and whoever
took it over (a task that must finish before the key's next command starts) releases it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class Held:
    """One key's lock, held by a `KeyedLocks.hold` block."""

    __slots__ = ("_release", "_released", "handed_over")

    def __init__(self, release: Callable[[], None]) -> None:
        self._release = release
        self._released = False
        self.handed_over = False

    def hand_over(self) -> Callable[[], None]:
        """Keep the lock past the end of the block: the function returned releases it (once;
        calling it again does nothing). Whoever receives it must call it, whatever happens."""
        self.handed_over = True
        return self.release

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._release()


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[Held]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._leave(key)
            raise

        def release() -> None:
            lock.release()
            self._leave(key)

        held = Held(release)
        try:
            yield held
        finally:
            if not held.handed_over:
                held.release()

    def _leave(self, key: str) -> None:
        lock, users = self._locks[key]
        if users == 1:
            del self._locks[key]
        else:
            self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)
