"""Per-key locks that exist only while someone holds or waits for them (bounded memory).

Most commands find their key free, so taking it is a dict insert with no await and no lock
object (`try_acquire`); only a command that finds its key held waits, in turn, on a future of
its own. A holder may hand the lock over: whoever releases it later (a save that must finish
before the key's next command starts) simply calls `release`, from any task.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable


class KeyedLocks:
    def __init__(self) -> None:
        # key -> None (held, nobody waiting) or the waiters, first come first served
        self._held: dict[Hashable, deque[asyncio.Future[None]] | None] = {}

    def try_acquire(self, key: Hashable) -> bool:
        """Take the key's lock if it is free, without waiting."""
        if key in self._held:
            return False
        self._held[key] = None
        return True

    async def acquire(self, key: Hashable) -> None:
        """Take the key's lock, waiting for it if it is held."""
        if self.try_acquire(key):
            return
        waiters = self._held[key]
        if waiters is None:
            waiters = self._held[key] = deque()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiters.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release(key)  # handed the lock, then cancelled: pass it on
            elif turn in waiters:  # not yet passed over by a release
                waiters.remove(turn)
            raise

    def release(self, key: Hashable) -> None:
        """Give the lock to the next waiter, or free the key. The holder calls it once."""
        waiters = self._held[key]
        while waiters:
            turn = waiters.popleft()
            if not turn.done():
                turn.set_result(None)  # ownership passes on: the key stays held
                return
        del self._held[key]

    def __len__(self) -> int:
        return len(self._held)
