"""Team study on SQLite: challenges, the leaderboard and daily schedules; the team half of
`SqliteStore` (a mixin sharing its connection).

As everywhere in this store, each method writes with one statement, atomic in autocommit mode,
so no other coroutine's statement on the shared connection can slip into it. Writes that span
tables run in triggers (migration 0006): `start_challenge` is one INSERT ... RETURNING id whose
AFTER INSERT trigger schedules the reveal job; ending a challenge, setting and advancing a
schedule are INSERTs into views whose INSTEAD OF triggers do the work and refuse with
RAISE(ABORT, 'rungs: ...'), which rolls the whole statement back. Why not BEGIN ... COMMIT: on a
connection shared by every coroutine it would need a lock around every method of the store,
and cost a trip to aiosqlite's thread per statement.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import aiosqlite

from engine.ports import BoardRow, EntryScore, NewJob, StoredChallenge, StoredEntry, StoredSchedule
from engine.storage.sqlite_times import instant, iso

_CHALLENGE_OVER = "rungs: challenge over"
_CLAIM_LOST = "rungs: claim lost"
_CHALLENGE_COLUMNS = (
    "id, scope, board, drill_id, params, starter, started_at, deadline, ended_at, target"
)

# Naming the partial index's predicate makes a second running challenge a quiet no-op: no row
# comes back, and the trigger that schedules the reveal does not fire.
START_CHALLENGE = """
INSERT INTO challenges (scope, board, drill_id, params, starter, started_at, deadline, target)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (scope) WHERE ended_at IS NULL DO NOTHING
RETURNING id
"""

JOIN_CHALLENGE = """
INSERT INTO challenge_entries (challenge_id, user_key, display_name, joined_at)
SELECT id, ?, ?, ? FROM challenges WHERE id = ? AND ended_at IS NULL
ON CONFLICT (challenge_id, user_key) DO NOTHING
"""

# As append_answer in sqlite.py: a newline between pieces, none before the first; length()
# counts characters.
APPEND_CHALLENGE_ANSWER = """
UPDATE challenge_entries
SET answer = CASE WHEN answer = '' THEN :text ELSE answer || char(10) || :text END
WHERE challenge_id = :challenge AND user_key = :user
  AND length(answer) + (answer <> '') + length(:text) <= :max_length
  AND EXISTS (SELECT 1 FROM challenges WHERE id = :challenge AND ended_at IS NULL)
"""

CHALLENGE_ENTRIES = """
SELECT user_key, display_name, answer, joined_at, covered, total, points
FROM challenge_entries WHERE challenge_id = ? ORDER BY joined_at, id
"""

# Sum and rank first, then look up the display names of the rows kept only. Settings that are
# not valid JSON count as "not off" rather than failing the whole board.
LEADERBOARD = """
SELECT top.user_key,
       coalesce((SELECT e.display_name FROM challenge_entries AS e
                 WHERE e.user_key = top.user_key
                 ORDER BY e.joined_at DESC, e.id DESC LIMIT 1), top.user_key),
       top.points,
       top.challenges
FROM (
    SELECT p.user_key, sum(p.points) AS points, count(*) AS challenges
    FROM board_points AS p LEFT JOIN user_settings AS s ON s.user_key = p.user_key
    WHERE p.board = :board AND (:since IS NULL OR p.won_at >= :since)
      AND CASE WHEN json_valid(s.settings) THEN json_extract(s.settings, '$.leaderboard') END
          IS NOT 'off'
    GROUP BY p.user_key
    ORDER BY sum(p.points) DESC, p.user_key
    LIMIT :limit
) AS top
ORDER BY top.points DESC, top.user_key
"""


class SqliteTeam:
    _db: aiosqlite.Connection

    async def start_challenge(
        self,
        scope: str,
        board: str,
        drill_id: str,
        params: str,
        starter: str,
        started_at: datetime,
        deadline: datetime,
        target: str,
    ) -> int | None:
        rows = await self._db.execute_fetchall(
            START_CHALLENGE,
            (scope, board, drill_id, params, starter, iso(started_at), iso(deadline), target),
        )
        return next((int(id_) for (id_,) in rows), None)

    async def running_challenge(self, scope: str) -> StoredChallenge | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges "  # noqa: S608 - fixed columns
            "WHERE scope = ? AND ended_at IS NULL",
            (scope,),
        )
        return next((_challenge(row) for row in rows), None)

    async def challenge(self, challenge_id: int) -> StoredChallenge | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges WHERE id = ?",  # noqa: S608
            (challenge_id,),
        )
        return next((_challenge(row) for row in rows), None)

    async def join_challenge(
        self, challenge_id: int, user: str, display_name: str, now: datetime
    ) -> bool:
        cursor = await self._db.execute(
            JOIN_CHALLENGE, (user, display_name, iso(now), challenge_id)
        )
        return cursor.rowcount > 0

    async def append_challenge_answer(
        self, challenge_id: int, user: str, text: str, max_length: int
    ) -> bool:
        cursor = await self._db.execute(
            APPEND_CHALLENGE_ANSWER,
            {"text": text, "challenge": challenge_id, "user": user, "max_length": max_length},
        )
        return cursor.rowcount > 0

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        rows = await self._db.execute_fetchall(CHALLENGE_ENTRIES, (challenge_id,))
        return [
            StoredEntry(
                str(user),
                str(name),
                str(answer),
                instant(joined),
                _int(covered),
                _int(total),
                _int(points),
            )
            for user, name, answer, joined, covered, total, points in rows
        ]

    async def end_challenge(
        self, challenge_id: int, ended_at: datetime, scores: list[EntryScore]
    ) -> bool:
        document = json.dumps(
            [
                {"user": s.user, "covered": s.covered, "total": s.total, "points": s.points}
                for s in scores
            ]
        )
        try:
            await self._db.execute(
                "INSERT INTO challenge_endings (challenge_id, ended_at, scores) VALUES (?, ?, ?)",
                (challenge_id, iso(ended_at), document),
            )
        except sqlite3.IntegrityError as exc:
            if _CHALLENGE_OVER in str(exc):
                return False
            raise
        return True

    async def leaderboard(self, board: str, since: datetime | None, limit: int) -> list[BoardRow]:
        if limit < 1:  # SQLite reads a negative LIMIT as "no limit"
            return []
        rows = await self._db.execute_fetchall(
            LEADERBOARD,
            {"board": board, "since": None if since is None else iso(since), "limit": limit},
        )
        return [
            BoardRow(str(user), str(name), int(points), int(challenges))
            for user, name, points, challenges in rows
        ]

    # --- daily schedules ---

    async def set_schedule(self, scope: str, spec: str, first: NewJob) -> None:
        await self._db.execute(
            "INSERT INTO schedule_sets (scope, spec, key, kind, platform, target, payload, "
            "due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (scope, spec, *_job_values(first)),
        )

    async def load_schedule(self, scope: str) -> StoredSchedule | None:
        rows = await self._db.execute_fetchall(
            "SELECT scope, spec, job_key FROM schedules WHERE scope = ?", (scope,)
        )
        return next((StoredSchedule(str(s), str(spec), str(key)) for s, spec, key in rows), None)

    async def clear_schedule(self, scope: str) -> bool:
        # The trigger schedule_cleared cancels the pending job within this statement.
        cursor = await self._db.execute("DELETE FROM schedules WHERE scope = ?", (scope,))
        return cursor.rowcount > 0

    async def advance_schedule(
        self, scope: str, job_key: str, job_id: int, node: str, now: datetime, then: NewJob
    ) -> bool:
        try:
            await self._db.execute(
                "INSERT INTO schedule_advances (scope, job_key, job_id, node, now, key, kind, "
                "platform, target, payload, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (scope, job_key, job_id, node, iso(now), *_job_values(then)),
            )
        except sqlite3.IntegrityError as exc:
            if _CLAIM_LOST in str(exc):
                return False
            raise
        # Which way it went is on the finished job's row, which never changes again: reading it
        # in a second statement cannot see anyone else's write.
        rows = await self._db.execute_fetchall(
            "SELECT next_key IS NOT NULL FROM jobs WHERE id = ?", (job_id,)
        )
        return any(bool(advanced) for (advanced,) in rows)


def _job_values(job: NewJob) -> tuple[str, str, str, str, str, str]:
    return (job.key, job.kind, job.platform, job.target, job.payload, iso(job.due_at))


def _challenge(row: sqlite3.Row | tuple[object, ...]) -> StoredChallenge:
    id_, scope, board, drill_id, params, starter, started, deadline, ended, target = tuple(row)
    return StoredChallenge(
        int(str(id_)),
        str(scope),
        str(board),
        str(drill_id),
        str(params),
        str(starter),
        instant(started),
        instant(deadline),
        None if ended is None else instant(ended),
        str(target),
    )


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))
