"""Cluster saves gathered per turn of the event loop and written together.

Commands that finish in the same turn of the loop (a busy channel's traces, many channels at
once) each ask to save their cluster; the saves asked for until the batch is sent go to the store
in one `save_clusters` call: on SQLite one statement, one commit and one trip to the database's
thread instead of one each. While a batch is being written, the next one gathers. The database
work runs off the event loop (aiosqlite's thread, asyncpg's sockets), so a busy database delays
the saves, never the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from engine.ports import ClusterSave, ClusterStore


class SaveBatch:
    def __init__(self, store: ClusterStore) -> None:
        self._store = store
        self._pending: list[tuple[ClusterSave, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def save(self, save: ClusterSave) -> bool:
        """Save with the next batch; True if it landed, False if someone else saved first. A
        failure of the batch's write is raised to each of its savers."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[bool] = loop.create_future()
        self._pending.append((save, done))
        if self._writer is None:
            # Started now, it first runs in the next turn of the loop: by then every command of
            # this turn that saves has joined the batch.
            self._writer = loop.create_task(self._write())
        return await done

    async def _write(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._write_batch(batch)
        except asyncio.CancelledError:  # shutting down: nobody may wait for ever
            for _, done in self._pending:
                done.cancel()
            self._pending = []
            raise
        finally:
            self._writer = None

    async def _write_batch(self, batch: Sequence[tuple[ClusterSave, asyncio.Future[bool]]]) -> None:
        try:
            results = await self._store.save_clusters([save for save, _ in batch])
        except asyncio.CancelledError:
            for _, done in batch:
                if not done.done():
                    done.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - each saver handles it (logs, or a ref)
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        for (_, done), saved in zip(batch, results, strict=True):
            if not done.done():
                done.set_result(saved)
