"""Drill sessions, reviews and settings on PostgreSQL: the drill half of `PostgresStore` (a mixin
sharing its pool).

Every write is one statement whose WHERE states when it may happen (the drill still running, the
sketch still the one the caller read, the session revealed and not yet rated); a racing writer
waits for the row lock and then re-checks that WHERE on the row as the winner left it, so nothing
is lost and nothing happens twice. `start_session` leans on a partial unique index (one running
drill per user), and `rate_session` and `forget_user` are single statements of data-modifying
CTEs, so each is atomic on its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from engine.ports import DrillParams, ReviewCard, StoredReview, StoredSession, UserKey, UserSettings
from engine.storage.codecs import card_json, card_of, missed_json, missed_of, params_json, params_of
from engine.storage.codecs import user_text as key
from engine.storage.postgres_jobs import changed

SESSION_COLUMNS = (
    "id, drill_id, params, started_at, deadline, answer, ended_at, outcome, covered, total, "
    "missed, rating, hints"
)

# Naming the partial index's predicate makes a second running drill a quiet no-op (no row
# returned) rather than an error; a racing start waits for the other's insert and then yields.
START_SESSION = """
INSERT INTO drill_sessions (user_key, drill_id, params, started_at, deadline)
VALUES ($1::text, $2::text, $3::text, $4::timestamptz, $5::timestamptz)
ON CONFLICT (user_key) WHERE ended_at IS NULL DO NOTHING
RETURNING id
"""

ABANDON_SESSION = """
UPDATE drill_sessions SET ended_at = $2::timestamptz, outcome = 'abandoned'
WHERE user_key = $1::text AND ended_at IS NULL
"""

RUNNING_SESSION = (
    f"SELECT {SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
    "WHERE user_key = $1::text AND ended_at IS NULL"
)

LATEST_SESSION = (
    f"SELECT {SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
    "WHERE user_key = $1::text ORDER BY id DESC LIMIT 1"
)

REPLACE_ANSWER = """
UPDATE drill_sessions SET answer = $3::text
WHERE id = $1::bigint AND ended_at IS NULL AND answer = $2::text
"""

FINISH_SESSION = """
UPDATE drill_sessions
SET ended_at = $2::timestamptz, outcome = 'revealed', covered = $3::integer, total = $4::integer,
    missed = $5::text
WHERE id = $1::bigint AND ended_at IS NULL
"""

# $1 user, $2 session, $3 rating, $4 drill, $5 card, $6 due. The review is written only if the
# rating was: both or neither, in one statement.
RATE_SESSION = """
WITH rated AS (
    UPDATE drill_sessions SET rating = $3::text
    WHERE id = $2::bigint AND user_key = $1::text AND outcome = 'revealed' AND rating IS NULL
    RETURNING user_key
), review AS (
    INSERT INTO reviews (user_key, drill_id, card, due)
    SELECT user_key, $4::text, $5::text, $6::timestamptz FROM rated
    ON CONFLICT (user_key, drill_id) DO UPDATE SET card = excluded.card, due = excluded.due
)
SELECT count(*) FROM rated
"""

SESSIONS = (
    f"SELECT {SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
    "WHERE user_key = $1::text AND ended_at IS NOT NULL ORDER BY id DESC LIMIT $2::bigint"
)

# COLLATE "C": ties on `due` break by the bytes of the drill id, as in SQLite, whatever the
# database's collation.
REVIEWS = """
SELECT drill_id, card, due FROM reviews WHERE user_key = $1::text
ORDER BY due, drill_id COLLATE "C"
"""

LOAD_SETTINGS = (
    "SELECT tz, leaderboard_visible, images, interview FROM user_settings WHERE user_key = $1::text"
)

SAVE_SETTINGS = """
INSERT INTO user_settings (user_key, tz, leaderboard_visible, images, interview)
VALUES ($1::text, $2::text, $3, $4, $5::text)
ON CONFLICT (user_key) DO UPDATE SET
    tz = excluded.tz, leaderboard_visible = excluded.leaderboard_visible,
    images = excluded.images, interview = excluded.interview
"""

RECORD_HINTS = """
UPDATE drill_sessions SET hints = $3::text
WHERE id = $1::bigint AND ended_at IS NULL AND hints = $2::text
"""

# $1 user, $2 a JSON list of [drill id, card, due]: every card in one statement.
MOVE_REVIEWS = """
UPDATE reviews SET card = m.value ->> 1, due = (m.value ->> 2)::timestamptz
FROM jsonb_array_elements($2::text::jsonb) AS m
WHERE reviews.user_key = $1::text AND reviews.drill_id = m.value ->> 0
"""

FORGET_USER = """
WITH sessions AS (DELETE FROM drill_sessions WHERE user_key = $1::text RETURNING 1),
     reviews AS (DELETE FROM reviews WHERE user_key = $1::text RETURNING 1),
     settings AS (DELETE FROM user_settings WHERE user_key = $1::text RETURNING 1),
     entries AS (DELETE FROM challenge_entries WHERE user_key = $1::text RETURNING 1),
     points AS (DELETE FROM board_points WHERE user_key = $1::text RETURNING 1),
     misses AS (DELETE FROM miss_reviews WHERE user_key = $1::text RETURNING 1),
     started AS (UPDATE challenges SET starter = '' WHERE starter = $1::text),
     nudges AS (  -- and the jobs of their review reminders, done ones too (they name them)
         DELETE FROM jobs WHERE kind IN ('drill_nudge', 'review_reminder')
             AND payload::jsonb ->> 'user' = $1::text
     )
SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM reviews)
     + (SELECT count(*) FROM settings) + (SELECT count(*) FROM entries)
     + (SELECT count(*) FROM points) + (SELECT count(*) FROM misses)
"""


class PostgresDrills:
    _pool: Any  # asyncpg ships no type hints

    async def start_session(
        self,
        user: UserKey,
        drill_id: str,
        params: DrillParams,
        started_at: datetime,
        deadline: datetime,
    ) -> int | None:
        session_id = await self._pool.fetchval(
            START_SESSION, key(user), drill_id, params_json(params), started_at, deadline
        )
        return None if session_id is None else int(session_id)

    async def abandon_session(self, user: UserKey, ended_at: datetime) -> bool:
        return changed(await self._pool.execute(ABANDON_SESSION, key(user), ended_at))

    async def running_session(self, user: UserKey) -> StoredSession | None:
        row = await self._pool.fetchrow(RUNNING_SESSION, key(user))
        return None if row is None else _session(row)

    async def latest_session(self, user: UserKey) -> StoredSession | None:
        row = await self._pool.fetchrow(LATEST_SESSION, key(user))
        return None if row is None else _session(row)

    async def replace_answer(self, session_id: int, expected: str, answer: str) -> bool:
        return changed(await self._pool.execute(REPLACE_ANSWER, session_id, expected, answer))

    async def finish_session(
        self,
        session_id: int,
        ended_at: datetime,
        covered: int,
        total: int,
        missed: Sequence[str],
    ) -> bool:
        status = await self._pool.execute(
            FINISH_SESSION, session_id, ended_at, covered, total, missed_json(missed)
        )
        return changed(status)

    async def rate_session(
        self,
        user: UserKey,
        session_id: int,
        rating: str,
        drill_id: str,
        card: ReviewCard,
        due: datetime,
    ) -> bool:
        rated = await self._pool.fetchval(
            RATE_SESSION, key(user), session_id, rating, drill_id, card_json(card), due
        )
        return bool(rated == 1)

    async def sessions(self, user: UserKey, limit: int) -> list[StoredSession]:
        rows = await self._pool.fetch(SESSIONS, key(user), limit)
        return [_session(row) for row in rows]

    async def reviews(self, user: UserKey) -> list[StoredReview]:
        rows = await self._pool.fetch(REVIEWS, key(user))
        return [
            StoredReview(str(row["drill_id"]), card_of(row["card"]), row["due"]) for row in rows
        ]

    async def load_settings(self, user: UserKey) -> UserSettings | None:
        row = await self._pool.fetchrow(LOAD_SETTINGS, key(user))
        if row is None:
            return None
        tz, day = row["tz"], row["interview"]
        return UserSettings(
            None if tz is None else str(tz),
            bool(row["leaderboard_visible"]),
            images=bool(row["images"]),
            interview=None if day is None else date.fromisoformat(str(day)),
        )

    async def save_settings(self, user: UserKey, settings: UserSettings) -> None:
        interview = None if settings.interview is None else settings.interview.isoformat()
        await self._pool.execute(
            SAVE_SETTINGS,
            key(user),
            settings.tz,
            settings.leaderboard_visible,
            settings.images,
            interview,
        )

    async def record_hints(
        self, session_id: int, expected: Sequence[str], hints: Sequence[str]
    ) -> bool:
        status = await self._pool.execute(
            RECORD_HINTS, session_id, missed_json(expected), missed_json(hints)
        )
        return changed(status)

    async def move_reviews(self, user: UserKey, moved: Sequence[tuple[str, ReviewCard]]) -> int:
        if not moved:
            return 0
        rows = json.dumps([[drill, card_json(card), card.due.isoformat()] for drill, card in moved])
        status = await self._pool.execute(MOVE_REVIEWS, key(user), rows)
        return int(str(status).rsplit(" ", 1)[-1])

    async def forget_user(self, user: UserKey) -> int:
        return int(await self._pool.fetchval(FORGET_USER, key(user)))


def _session(row: Any) -> StoredSession:
    """A drill_sessions row (the columns of SESSION_COLUMNS). asyncpg decodes timestamptz as an
    aware UTC datetime, whatever the session's TimeZone."""
    return StoredSession(
        id=int(row["id"]),
        drill_id=str(row["drill_id"]),
        params=params_of(row["params"]),
        started_at=row["started_at"],
        deadline=row["deadline"],
        answer=str(row["answer"]),
        ended_at=row["ended_at"],
        outcome=row["outcome"],
        covered=row["covered"],
        total=row["total"],
        missed=missed_of(row["missed"]),
        rating=row["rating"],
        hints=missed_of(row["hints"]) or (),
    )
