"""Drill sessions, reviews and settings on SQLite: the drill half of `SqliteStore` (a mixin sharing
its connection). Each write is one statement; rating and forgetting span tables and run in the
triggers of migration 0004 (and 0006)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from engine.ports import DrillParams, ReviewCard, StoredReview, StoredSession, UserKey, UserSettings
from engine.storage.codecs import card_json, card_of, missed_json, missed_of, params_json, params_of
from engine.storage.codecs import user_text as key
from engine.storage.sqlite_times import instant, iso

NOT_RATEABLE = "rungs: not rateable"
SESSION_COLUMNS = (
    "id, drill_id, params, started_at, deadline, answer, ended_at, outcome, covered, total, "
    "missed, rating, hints"
)


class SqliteDrills:
    _db: aiosqlite.Connection

    async def start_session(
        self,
        user: UserKey,
        drill_id: str,
        params: DrillParams,
        started_at: datetime,
        deadline: datetime,
    ) -> int | None:
        try:
            row = await self._db.execute_insert(
                "INSERT INTO drill_sessions (user_key, drill_id, params, started_at, deadline) "
                "VALUES (?, ?, ?, ?, ?)",
                (key(user), drill_id, params_json(params), iso(started_at), iso(deadline)),
            )
        except sqlite3.IntegrityError:  # the unique index: one running drill per user
            return None
        return int(row[0]) if row else None

    async def abandon_session(self, user: UserKey, ended_at: datetime) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET ended_at = ?, outcome = 'abandoned' "
            "WHERE user_key = ? AND ended_at IS NULL",
            (iso(ended_at), key(user)),
        )
        return cursor.rowcount > 0

    async def running_session(self, user: UserKey) -> StoredSession | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
            "WHERE user_key = ? AND ended_at IS NULL",
            (key(user),),
        )
        return next((_session(row) for row in rows), None)

    async def latest_session(self, user: UserKey) -> StoredSession | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
            "WHERE user_key = ? ORDER BY id DESC LIMIT 1",
            (key(user),),
        )
        return next((_session(row) for row in rows), None)

    async def replace_answer(self, session_id: int, expected: str, answer: str) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET answer = ? WHERE id = ? AND ended_at IS NULL AND answer = ?",
            (answer, session_id, expected),
        )
        return cursor.rowcount > 0

    async def finish_session(
        self,
        session_id: int,
        ended_at: datetime,
        covered: int,
        total: int,
        missed: Sequence[str],
    ) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET ended_at = ?, outcome = 'revealed', covered = ?, "
            "total = ?, missed = ? WHERE id = ? AND ended_at IS NULL",
            (iso(ended_at), covered, total, missed_json(missed), session_id),
        )
        return cursor.rowcount > 0

    async def record_hints(
        self, session_id: int, expected: Sequence[str], hints: Sequence[str]
    ) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET hints = ? WHERE id = ? AND ended_at IS NULL AND hints = ?",
            (missed_json(hints), session_id, missed_json(expected)),
        )
        return cursor.rowcount > 0

    async def move_reviews(self, user: UserKey, moved: Sequence[tuple[str, ReviewCard]]) -> int:
        if not moved:
            return 0
        # One statement over a JSON list: atomic in autocommit mode, one trip to the thread.
        rows = json.dumps([[drill, card_json(card), iso(card.due)] for drill, card in moved])
        cursor = await self._db.execute(
            "UPDATE reviews SET card = json_extract(m.value, '$[1]'), "
            "due = json_extract(m.value, '$[2]') FROM json_each(?) AS m "
            "WHERE reviews.user_key = ? AND reviews.drill_id = json_extract(m.value, '$[0]')",
            (rows, key(user)),
        )
        return cursor.rowcount

    async def rate_session(
        self,
        user: UserKey,
        session_id: int,
        rating: str,
        drill_id: str,
        card: ReviewCard,
        due: datetime,
    ) -> bool:
        try:
            await self._db.execute(
                "INSERT INTO session_ratings (session_id, user_key, rating, drill_id, card, due) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, key(user), rating, drill_id, card_json(card), iso(due)),
            )
        except sqlite3.IntegrityError as exc:
            if NOT_RATEABLE in str(exc):
                return False
            raise
        return True

    async def sessions(self, user: UserKey, limit: int) -> list[StoredSession]:
        rows = await self._db.execute_fetchall(
            f"SELECT {SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
            "WHERE user_key = ? AND ended_at IS NOT NULL ORDER BY id DESC LIMIT ?",
            (key(user), limit),
        )
        return [_session(row) for row in rows]

    async def reviews(self, user: UserKey) -> list[StoredReview]:
        rows = await self._db.execute_fetchall(
            "SELECT drill_id, card, due FROM reviews WHERE user_key = ? ORDER BY due, drill_id",
            (key(user),),
        )
        return [StoredReview(str(drill), card_of(card), instant(due)) for drill, card, due in rows]

    async def load_settings(self, user: UserKey) -> UserSettings | None:
        rows = await self._db.execute_fetchall(
            "SELECT tz, leaderboard_visible, images, interview FROM user_settings "
            "WHERE user_key = ?",
            (key(user),),
        )
        return next(
            (
                UserSettings(
                    None if tz is None else str(tz),
                    bool(shown),
                    images=bool(images),
                    interview=None if day is None else date.fromisoformat(str(day)),
                )
                for tz, shown, images, day in rows
            ),
            None,
        )

    async def save_settings(self, user: UserKey, settings: UserSettings) -> None:
        await self._db.execute(
            "INSERT INTO user_settings (user_key, tz, leaderboard_visible, images, interview) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET tz = excluded.tz, "
            "leaderboard_visible = excluded.leaderboard_visible, images = excluded.images, "
            "interview = excluded.interview",
            (
                key(user),
                settings.tz,
                int(settings.leaderboard_visible),
                int(settings.images),
                None if settings.interview is None else settings.interview.isoformat(),
            ),
        )

    async def forget_user(self, user: UserKey) -> int:
        # The count comes first and the delete is one statement (a view's trigger), so the
        # delete is atomic; the count could miss a row written in between, never a deletion.
        rows = await self._db.execute_fetchall(
            "SELECT (SELECT count(*) FROM drill_sessions WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM reviews WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM user_settings WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM challenge_entries WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM board_points WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM miss_reviews WHERE user_key = ?1)",
            (key(user),),
        )
        await self._db.execute("INSERT INTO user_deletions (user_key) VALUES (?)", (key(user),))
        return next((int(count) for (count,) in rows), 0)


def _session(row: sqlite3.Row | tuple[object, ...]) -> StoredSession:
    (
        id_,
        drill_id,
        params,
        started,
        deadline,
        answer,
        ended,
        outcome,
        covered,
        total,
        missed,
        rating,
        hints,
    ) = tuple(row)
    return StoredSession(
        int(str(id_)),
        str(drill_id),
        params_of(params),
        instant(started),
        instant(deadline),
        str(answer),
        instant(ended) if ended else None,
        _text(outcome),
        _int(covered),
        _int(total),
        missed_of(missed),
        _text(rating),
        missed_of(hints) or (),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))
