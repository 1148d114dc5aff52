"""Saves that run after their replies: what `Tutor.reply_then_save` hands back beside the reply.

A cluster change answered before it is saved is saved in a task of its own (`SaveTasks.start`),
which has taken over the scope's lock and releases it only once the save is done: a scope's
commands and saves keep their order, and the next command starts from the saved cluster. The
saves run whether or not anyone awaits them; the Tutor keeps each one until it is done, so a
runner can wait for all of them before it closes the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any

from engine.replies import Reply


class Saving:
    """One reply's save. `await` it to wait until it is done: saved, or (after a conflict or a
    failure) logged and dropped. Awaiting never raises, and cancelling the waiter does not
    cancel the save."""

    __slots__ = ("_task",)

    def __init__(self, task: asyncio.Task[None] | None) -> None:
        self._task = task

    def done(self) -> bool:
        """True once the save has finished (and when there was nothing to save)."""
        return self._task is None or self._task.done()

    def __await__(self) -> Generator[Any, None, None]:
        return self._wait().__await__()

    async def _wait(self) -> None:
        if self._task is not None:
            await asyncio.wait((self._task,))


NOTHING_TO_SAVE = Saving(None)


@dataclass(frozen=True, slots=True)
class ReplyThenSave:
    """A reply to send now, and its save, still running (`await saved` after sending)."""

    reply: Reply
    saved: Saving = NOTHING_TO_SAVE


class SaveTasks:
    """The saves still running after their replies, per Tutor."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    def start(self, save: Callable[[], Awaitable[None]], release: Callable[[], None]) -> Saving:
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
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return Saving(task)

    async def all_done(self) -> None:
        """Wait until every save still running is done: before the store closes, so that a
        shutdown right after a reply does not lose its trace."""
        while self._running:
            await asyncio.wait(list(self._running))
