"""/export in memory: the same tables, and the same rule (own rows whole, shared documents that
mention the user by id), as the SQL stores' scan, over the fake's rows."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from engine.ports import UserRecords, Wanted
from engine.ports.exports import JsonValue, Row

from .data import MemoryData


def _value(value: Any) -> JsonValue:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list | frozenset | set):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


def _row(obj: Any) -> Row:
    doc = _value(obj)
    return doc if isinstance(doc, dict) else {"value": doc}


class MemoryExports:
    _data: MemoryData

    async def export_user(self, wanted: Wanted) -> UserRecords:
        data, user, own = self._data, wanted.user, wanted.own
        board = own.board
        mine: dict[str, list[Row]] = {
            "drill_sessions": [_row(r) for r in data.sessions.values() if r.user == user],
            "reviews": [
                {"drill_id": d, "card": _value(c), "due": _value(due)}
                for (u, d), (c, due) in data.reviews.items()
                if u == user
            ],
            "user_settings": [_row(s) for u, s in data.settings.items() if u == user],
            "challenge_entries": [_row(e) for e in data.entries.values() if e.user == user],
            "board_points": [_row(p) for (_, u), p in data.points.items() if u == user],
            "challenges": [_row(c) for c in data.challenges.values() if c.starter == user],
            "miss_reviews": [{"review": r} for u, r in data.miss_reviews.items() if u == user],
            "jobs": [
                _row(j) for j in data.jobs.values() if user in (_of(j.payload), _of(j.target))
            ],
            "schedules": [
                {"scope": str(s), "spec": _value(spec), "job_key": key, "failure": _value(fail)}
                for s, (spec, key, fail) in data.schedules.items()
                if s == own
            ],
            "clusters": [
                {"scope": str(s), "state": d} for s, (d, _) in data.clusters.items() if s == own
            ],
            "traces": [
                {"scope": str(s), "slot": slot, "trace_no": n, "body": body}
                for (s, slot), (n, body) in data.traces.items()
                if s == own
            ],
            "climbs": [
                {"scope": str(s), "state": d} for s, (_, d, _) in data.climbs.items() if s == own
            ],
            # A change they made, without the cluster kept for its undo (others' too).
            "cluster_changes": [
                {"id": e.id, "scope": str(s), "at": _value(e.at), "words": e.words}
                for s, entries in data.history.items()
                for e in entries
                if s.board == board and e.user_id == user.user_id
            ],
        }
        shared: dict[str, list[Row]] = {
            "clusters": [
                {"scope": str(s)}
                for s, (doc, _) in data.clusters.items()
                if s != own and s.board == board and wanted.ref in doc
            ],
            "traces": [
                {"scope": str(s), "slot": slot, "trace_no": n}
                for (s, slot), (n, body) in data.traces.items()
                if s != own and s.board == board and wanted.ref in body
            ],
            "cluster_changes": [
                {"id": e.id, "scope": str(s)}
                for s, entries in data.history.items()
                for e in entries
                if s.board == board and e.user_id != user.user_id and wanted.ref in (e.before or "")
            ],
        }
        return UserRecords(
            {t: tuple(rows) for t, rows in sorted(mine.items()) if rows},
            {t: tuple(rows) for t, rows in sorted(shared.items()) if rows},
        )


def _of(value: Any) -> Any:
    """The user a job's payload or target names, if any."""
    return getattr(value, "user", None)
