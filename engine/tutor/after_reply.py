"""Saving a cluster after the reply has gone out: what `Tutor.save_after_reply()` opens.

Inside the block, the Tutor answers a cluster change as soon as it is made and starts its save
in a task of its own (`PendingSaves.start`). That task has taken over the scope's lock and
releases it only once the save is done, so a scope's commands and saves keep their order and the
next command starts from the saved cluster. The saves run whether or not anyone awaits them.

The block is found through a context variable, so it reaches the Tutor's call however the
adapter wraps it; a call already running in a task started before the block saves as usual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_OPEN: ContextVar[PendingSaves | None] = ContextVar("rungs_save_after_reply", default=None)
_RUNNING: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks


class PendingSaves:
    """The saves of the cluster changes answered inside one `Tutor.save_after_reply()` block.

    `await` it to wait until each is done: saved, or (after a conflict or a failure) logged and
    dropped. Awaiting it never raises, and cancelling the waiter does not cancel the saves.
    """

    def __init__(self, owner: object) -> None:
        self._owner = owner
        self._tasks: list[asyncio.Task[None]] = []

    def done(self) -> bool:
        """True once every save started so far has finished (and when there was none)."""
        return all(task.done() for task in self._tasks)

    def __await__(self) -> Generator[Any, None, None]:
        return self._wait().__await__()

    async def _wait(self) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks)

    def start(self, save: Callable[[], Awaitable[None]], release: Callable[[], None]) -> None:
        """Run `save` in a task of its own, then `release` the scope's lock, whatever happens.
        `save` must not raise: it logs its own failures.

        The save waits one turn of the event loop first, so that what the reply has queued by
        then goes out before it: an HTTP client writes a request in a task it has just
        scheduled (aiohttp's body writer, under the Discord callback). Only speed depends on
        this; the order of a scope's commands is the lock's."""

        async def save_then_release() -> None:
            try:
                await asyncio.sleep(0)
                await save()
            finally:
                release()

        try:
            task = asyncio.get_running_loop().create_task(save_then_release())
        except BaseException:
            release()
            raise
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
        self._tasks.append(task)


@contextmanager
def opened(owner: object) -> Iterator[PendingSaves]:
    saves = PendingSaves(owner)
    token = _OPEN.set(saves)
    try:
        yield saves
    finally:
        _OPEN.reset(token)


async def all_saved() -> None:
    """Wait until every save still running in this process is done: called before the store
    closes, so that a shutdown right after a reply does not lose its trace."""
    while _RUNNING:
        await asyncio.wait(list(_RUNNING))


def pending_for(owner: object) -> PendingSaves | None:
    """The block open around the running code, if this owner (a Tutor) opened it."""
    saves = _OPEN.get()
    return saves if saves is not None and saves._owner is owner else None
