"""Cluster saves gathered while the database is busy and written together.

The first command to save finds nobody writing: it lets the loop turn once, so that the saves
of the commands finishing in the same turn join it, and writes them; the commands that save
while that write is under way (a busy channel's traces, many channels at once) queue, and when
it is done the first of them writes them all. Each write is one `save_clusters` call: on SQLite
one statement, one commit and one trip to the database's thread instead of one each. No task is
started for this: the saver at the head of the queue is the writer (group commit). The
database work runs off the event loop (aiosqlite's thread, asyncpg's sockets), so a busy
database delays the saves, never the loop.
"""

from __future__ import annotations

import asyncio

from engine.ports import ClusterSave, ClusterStore

_LEAD = object()  # what a queued saver is told when it is its turn to write the queue


class SaveInterruptedError(Exception):
    """The write that held this save was cancelled (shutting down): it may or may not have
    landed. The change is not known to be saved."""


Entry = tuple[ClusterSave, "asyncio.Future[object] | None"]  # None: the writer's own save


class SaveBatch:
    def __init__(self, store: ClusterStore) -> None:
        self._store = store
        self._writing = False
        self._queue: list[Entry] = []

    async def save(self, save: ClusterSave) -> bool:
        """True if it landed, False if someone else saved the scope first. A failure of the
        write it was part of is raised to each saver of that write."""
        if self._writing:
            turn: asyncio.Future[object] = asyncio.get_running_loop().create_future()
            self._queue.append((save, turn))
            try:
                outcome = await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled() and turn.result() is _LEAD:
                    self._queue.pop(0)  # our own entry: the queue goes to the next in line
                    self._hand_on()
                raise
            if outcome is not _LEAD:
                return bool(outcome)
            self._queue[0] = (save, None)  # our own save, first of the queue we now write
        else:
            self._writing = True
            self._queue.append((save, None))
            try:
                # One turn of the loop, so that the saves of the commands that finish in the
                # same turn (a busy channel's, many channels') join this write.
                await asyncio.sleep(0)
            except asyncio.CancelledError:
                self._queue.pop(0)
                self._hand_on()
                raise
        batch, self._queue = self._queue, []
        return await self._write(batch)

    async def _write(self, batch: list[Entry]) -> bool:
        try:
            results = await self._store.save_clusters([save for save, _ in batch])
        except asyncio.CancelledError:
            self._settle(batch, SaveInterruptedError("the write was cancelled"))
            raise
        except Exception as exc:  # raised to every saver of this write, as to its writer
            self._settle(batch, exc)
            raise
        finally:
            self._hand_on()
        own = results[0]
        for (_, turn), saved in zip(batch[1:], results[1:], strict=True):
            if turn is not None and not turn.done():
                turn.set_result(saved)
        return own

    def _settle(self, batch: list[Entry], error: Exception) -> None:
        for _, turn in batch[1:]:
            if turn is not None and not turn.done():
                turn.set_exception(error)

    def _hand_on(self) -> None:
        """The next queued saver writes the queue; with none, nobody is writing."""
        while self._queue:
            _, turn = self._queue[0]
            if turn is not None and not turn.done():  # a cancelled saver is skipped
                turn.set_result(_LEAD)
                return
            self._queue.pop(0)
        self._writing = False
