"""Team challenges and leaderboards on SQLite: the challenge half of `SqliteStore` (a mixin sharing
its connection).

As everywhere in this store, each method writes with one statement, atomic in autocommit mode,
so no other coroutine's statement on the shared connection can slip into it. Writes that span
tables run in triggers (migrations 0006, 0007): starting a challenge is an INSERT into a view
whose INSTEAD OF trigger writes the challenge and the reveal job it was given; ending one is an
INSERT into another view whose trigger refuses with RAISE(ABORT, 'rungs: ...'), which rolls the
whole statement back. Why not BEGIN ... COMMIT: on a connection shared by every coroutine it
would need a lock around every method of the store, and cost a trip to aiosqlite's thread per
statement.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from engine.ports import (
    Board,
    BoardRow,
    EntryScore,
    NewChallenge,
    NewJob,
    Scope,
    StoredChallenge,
    StoredEntry,
    UserKey,
)
from engine.storage.codecs import (
    board_of,
    board_text,
    job_values,
    params_json,
    params_of,
    scope_of,
    scope_text,
    starter_of,
    target_json,
    target_of,
    user_of,
    user_text,
)
from engine.storage.sqlite_times import instant, iso

_CHALLENGE_OVER = "rungs: challenge over"
_CHALLENGE_COLUMNS = (
    "id, scope, board, drill_id, params, starter, started_at, deadline, ended_at, target, "
    "reveal_key"
)

START_CHALLENGE = """
INSERT INTO challenge_starts (scope, board, drill_id, params, starter, started_at, deadline,
    target, reveal_key, job_kind, job_platform, job_target, job_payload, job_due_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

JOIN_CHALLENGE = """
INSERT INTO challenge_entries (challenge_id, user_key, display_name, joined_at)
SELECT id, ?, ?, ? FROM challenges WHERE id = ? AND ended_at IS NULL
ON CONFLICT (challenge_id, user_key) DO NOTHING
"""

REPLACE_CHALLENGE_ANSWER = """
UPDATE challenge_entries SET answer = :answer
WHERE challenge_id = :challenge AND user_key = :user AND answer = :expected
  AND EXISTS (SELECT 1 FROM challenges WHERE id = :challenge AND ended_at IS NULL)
"""

CHALLENGE_ENTRIES = """
SELECT user_key, display_name, answer, joined_at, covered, total, points
FROM challenge_entries WHERE challenge_id = ? ORDER BY joined_at, id
"""

# Sum and rank first, then look up the display names of the rows kept only.
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
      AND coalesce(s.leaderboard_visible, 1) = 1
    GROUP BY p.user_key
    ORDER BY sum(p.points) DESC, p.user_key
    LIMIT :limit
) AS top
ORDER BY top.points DESC, top.user_key
"""


class SqliteChallenges:
    _db: aiosqlite.Connection

    async def start_challenge(
        self, challenge: NewChallenge, reveal: NewJob
    ) -> StoredChallenge | None:
        c = challenge
        await self._db.execute(
            START_CHALLENGE,
            (
                scope_text(c.scope),
                board_text(c.scope.board),
                c.drill_id,
                params_json(c.params),
                user_text(c.starter),
                iso(c.started_at),
                iso(c.deadline),
                target_json(c.target),
                reveal.key,
                *job_values(reveal)[1:],
                iso(reveal.due_at),
            ),
        )
        # The reveal key is unique for ever, so the row read back is the one just written, or
        # (the channel had a challenge running) none.
        return await self.challenge_by_reveal(reveal.key)

    async def running_challenge(self, scope: Scope) -> StoredChallenge | None:
        return await self._one("scope = ? AND ended_at IS NULL", scope_text(scope))

    async def challenge(self, challenge_id: int) -> StoredChallenge | None:
        return await self._one("id = ?", challenge_id)

    async def challenge_by_reveal(self, job_key: str) -> StoredChallenge | None:
        return await self._one("reveal_key = ?", job_key)

    async def _one(self, where: str, value: object) -> StoredChallenge | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges WHERE {where}",  # noqa: S608 - fixed
            (value,),
        )
        return next((_challenge(row) for row in rows), None)

    async def join_challenge(
        self, challenge_id: int, user: UserKey, display_name: str, now: datetime
    ) -> bool:
        cursor = await self._db.execute(
            JOIN_CHALLENGE, (user_text(user), display_name, iso(now), challenge_id)
        )
        return cursor.rowcount > 0

    async def replace_challenge_answer(
        self, challenge_id: int, user: UserKey, expected: str, answer: str
    ) -> bool:
        cursor = await self._db.execute(
            REPLACE_CHALLENGE_ANSWER,
            {
                "answer": answer,
                "challenge": challenge_id,
                "user": user_text(user),
                "expected": expected,
            },
        )
        return cursor.rowcount > 0

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        rows = await self._db.execute_fetchall(CHALLENGE_ENTRIES, (challenge_id,))
        return [
            StoredEntry(
                user_of(user),
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
        self, challenge_id: int, ended_at: datetime, scores: Sequence[EntryScore]
    ) -> bool:
        document = json.dumps(
            [
                {
                    "user": user_text(s.user),
                    "covered": s.covered,
                    "total": s.total,
                    "points": s.points,
                }
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

    async def leaderboard(self, board: Board, since: datetime | None, limit: int) -> list[BoardRow]:
        if limit < 1:  # SQLite reads a negative LIMIT as "no limit"
            return []
        rows = await self._db.execute_fetchall(
            LEADERBOARD,
            {
                "board": board_text(board),
                "since": None if since is None else iso(since),
                "limit": limit,
            },
        )
        return [
            BoardRow(user_of(user), str(name), int(points), int(challenges))
            for user, name, points, challenges in rows
        ]


def _challenge(row: sqlite3.Row | tuple[object, ...]) -> StoredChallenge:
    (
        id_,
        scope,
        board,
        drill_id,
        params,
        starter,
        started,
        deadline,
        ended,
        target,
        reveal_key,
    ) = tuple(row)
    return StoredChallenge(
        int(str(id_)),
        scope_of(scope),
        board_of(board),
        str(drill_id),
        params_of(params),
        starter_of(starter),
        instant(started),
        instant(deadline),
        None if ended is None else instant(ended),
        target_of(target),
        str(reveal_key),
    )


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))
