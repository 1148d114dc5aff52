"""The clusters port in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from engine.ports import (
    HISTORY_KEPT,
    TRACE_RING,
    Board,
    ChannelSettings,
    ClusterSave,
    HistoryEntry,
    Scope,
    StoredCluster,
    StoredTrace,
)

from .data import MemoryData


class MemoryClusters:
    _data: MemoryData

    async def load_cluster(self, scope: Scope) -> StoredCluster | None:
        stored = self._data.clusters.get(scope)
        return None if stored is None else StoredCluster(*stored)

    async def save_cluster(
        self,
        scope: Scope,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        return self._save(ClusterSave(scope, document, expected_version, now, trace))

    async def save_clusters(self, saves: Sequence[ClusterSave]) -> list[bool]:
        return [self._save(save) for save in saves]

    def _save(self, save: ClusterSave) -> bool:
        stored = self._data.clusters.get(save.scope)
        if (stored[1] if stored else 0) != save.expected_version:
            return False
        kept = self._data.history.setdefault(save.scope, [])
        note = save.change
        if note is not None and note.undo_of is not None:
            undone = next((e for e in kept if e.id == note.undo_of and e.undoable), None)
            if undone is None:
                return False  # undone already: two undos at once cannot both apply
            kept[kept.index(undone)] = replace(undone, undone=True, before=None)
        if note is not None:
            entry = HistoryEntry(
                next(self._data.history_ids),
                save.at,
                note.user_id,
                note.words,
                note.undo_of,
                False,
                note.before,
            )
            kept[:] = [*kept, entry][-HISTORY_KEPT:]
        self._data.clusters[save.scope] = (save.document, save.expected_version + 1)
        if save.trace is not None:
            slot = (save.scope, save.trace.trace_no % TRACE_RING)
            self._data.traces[slot] = (save.trace.trace_no, save.trace.document)
        return True

    async def load_trace(self, scope: Scope, trace_no: int) -> str | None:
        stored = self._data.traces.get((scope, trace_no % TRACE_RING))
        return stored[1] if stored is not None and stored[0] == trace_no else None

    async def cluster_history(self, scope: Scope) -> list[HistoryEntry]:
        return list(reversed(self._data.history.get(scope, [])))

    async def forget_in_history(self, board: Board, user_id: str, text: str) -> int:
        changed = 0
        for scope, entries in self._data.history.items():
            if scope.board != board:
                continue
            for index, entry in enumerate(entries):
                names = text in (entry.before or "")
                if entry.user_id == user_id or names:
                    user = "" if entry.user_id == user_id else entry.user_id
                    entries[index] = replace(
                        entry, user_id=user, before=None if names else entry.before
                    )
                    changed += 1
        return changed

    async def delete_cluster(self, scope: Scope) -> int:
        self._data.history.pop(scope, None)
        gone = int(self._data.clusters.pop(scope, None) is not None)
        gone += int(self._data.climbs.pop(scope, None) is not None)
        for slot in [slot for slot in self._data.traces if slot[0] == scope]:
            del self._data.traces[slot]
            gone += 1
        return gone

    async def load_channel_settings(self, scope: Scope) -> ChannelSettings | None:
        return self._data.channel_settings.get(scope)

    async def save_channel_settings(self, scope: Scope, settings: ChannelSettings) -> None:
        self._data.channel_settings[scope] = settings

    async def scopes_mentioning(self, board: Board, text: str) -> list[Scope]:
        found = {s for s, (document, _) in self._data.clusters.items() if text in document}
        found |= {s for (s, _), (_, body) in self._data.traces.items() if text in body}
        return sorted((s for s in found if s.board == board), key=str)

    async def delete_traces_mentioning(self, board: Board, text: str) -> int:
        slots = [
            slot
            for slot, (_, body) in self._data.traces.items()
            if slot[0].board == board and text in body
        ]
        for slot in slots:
            del self._data.traces[slot]
        return len(slots)
