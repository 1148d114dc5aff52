"""Team challenges and leaderboards on PostgreSQL: the challenge half of `PostgresStore` (a mixin
sharing its pool).

Each method is one statement (data-modifying CTEs), so one implicit transaction: starting a
challenge inserts the reveal job it was given in the same statement; ending one is an UPDATE
whose WHERE lets it happen once, the scores, the ledger and the reveal's cancellation hanging off
its RETURNING. Joining and answering take a share lock on the challenge row, so they queue behind
an ending that is under way and then see the challenge ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

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
from engine.storage.postgres_jobs import changed

CHALLENGE_COLUMNS = (
    "id, scope, board, drill_id, params, starter, started_at, deadline, ended_at, target, "
    "reveal_key"
)

# The reveal job is written from the challenge's RETURNING: no challenge, no job. Naming the
# partial index's predicate makes a second running challenge a quiet no-op.
START_CHALLENGE = f"""
WITH started AS (
    INSERT INTO challenges
        (scope, board, drill_id, params, starter, started_at, deadline, target, reveal_key)
    VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz,
            $8::text, $9::text)
    ON CONFLICT (scope) WHERE ended_at IS NULL DO NOTHING
    RETURNING {CHALLENGE_COLUMNS}
), reveal AS (
    INSERT INTO jobs (key, kind, platform, target, payload, due_at)
    SELECT reveal_key, $10::text, $11::text, $12::text, $13::text, $14::timestamptz
    FROM started
)
SELECT * FROM started
"""  # noqa: S608 - fixed columns

JOIN_CHALLENGE = """
WITH live AS (
    SELECT id FROM challenges WHERE id = $1::bigint AND ended_at IS NULL FOR SHARE
)
INSERT INTO challenge_entries (challenge_id, user_key, display_name, joined_at)
SELECT id, $2::text, $3::text, $4::timestamptz FROM live
ON CONFLICT (challenge_id, user_key) DO NOTHING
"""

REPLACE_CHALLENGE_ANSWER = """
WITH live AS (
    SELECT id FROM challenges WHERE id = $1::bigint AND ended_at IS NULL FOR SHARE
)
UPDATE challenge_entries SET answer = $4::text
FROM live
WHERE challenge_entries.challenge_id = live.id AND challenge_entries.user_key = $2::text
  AND challenge_entries.answer = $3::text
"""

CHALLENGE_ENTRIES = """
SELECT user_key, display_name, answer, joined_at, covered, total, points
FROM challenge_entries WHERE challenge_id = $1::bigint ORDER BY joined_at, id
"""

# $1 challenge, $2 ended_at, $3..$6 the scores as parallel arrays. Everything after `ended`
# depends on its RETURNING, so a second end (no row) changes nothing.
END_CHALLENGE = """
WITH ended AS (
    UPDATE challenges SET ended_at = $2::timestamptz
    WHERE id = $1::bigint AND ended_at IS NULL
    RETURNING id, board, reveal_key
), scores AS (
    SELECT * FROM unnest($3::text[], $4::integer[], $5::integer[], $6::integer[])
        AS score (user_key, covered, total, points)
), scored AS (
    UPDATE challenge_entries AS e
    SET covered = scores.covered, total = scores.total, points = scores.points
    FROM ended, scores
    WHERE e.challenge_id = ended.id AND e.user_key = scores.user_key
    RETURNING e.challenge_id, e.user_key, ended.board, e.points
), ledger AS (
    INSERT INTO board_points (challenge_id, user_key, board, points, won_at)
    SELECT challenge_id, user_key, board, points, $2::timestamptz FROM scored
), reveal AS (
    DELETE FROM jobs USING ended
    WHERE jobs.key = ended.reveal_key AND jobs.done_at IS NULL AND jobs.claimed_by IS NULL
)
SELECT count(*) FROM ended
"""

# Sum and rank first, then look up the display names of the rows kept only. COLLATE "C": ties
# break by the bytes of the user key, as in SQLite, whatever the database's collation.
LEADERBOARD = """
SELECT top.user_key,
       coalesce((SELECT e.display_name FROM challenge_entries AS e
                 WHERE e.user_key = top.user_key
                 ORDER BY e.joined_at DESC, e.id DESC LIMIT 1), top.user_key) AS display_name,
       top.points,
       top.challenges
FROM (
    SELECT p.user_key, sum(p.points) AS points, count(*) AS challenges
    FROM board_points AS p LEFT JOIN user_settings AS s ON s.user_key = p.user_key
    WHERE p.board = $1::text AND ($2::timestamptz IS NULL OR p.won_at >= $2::timestamptz)
      AND coalesce(s.leaderboard_visible, true)
    GROUP BY p.user_key
    ORDER BY sum(p.points) DESC, p.user_key COLLATE "C"
    LIMIT $3::integer
) AS top
ORDER BY top.points DESC, top.user_key COLLATE "C"
"""


class PostgresChallenges:
    _pool: Any  # asyncpg ships no type hints

    async def start_challenge(
        self, challenge: NewChallenge, reveal: NewJob
    ) -> StoredChallenge | None:
        c = challenge
        row = await self._pool.fetchrow(
            START_CHALLENGE,
            scope_text(c.scope),
            board_text(c.scope.board),
            c.drill_id,
            params_json(c.params),
            user_text(c.starter),
            c.started_at,
            c.deadline,
            target_json(c.target),
            reveal.key,
            *job_values(reveal)[1:],
            reveal.due_at,
        )
        return None if row is None else _challenge(row)

    async def running_challenge(self, scope: Scope) -> StoredChallenge | None:
        return await self._one("scope = $1::text AND ended_at IS NULL", scope_text(scope))

    async def challenge(self, challenge_id: int) -> StoredChallenge | None:
        return await self._one("id = $1::bigint", challenge_id)

    async def challenge_by_reveal(self, job_key: str) -> StoredChallenge | None:
        return await self._one("reveal_key = $1::text", job_key)

    async def _one(self, where: str, value: object) -> StoredChallenge | None:
        row = await self._pool.fetchrow(
            f"SELECT {CHALLENGE_COLUMNS} FROM challenges WHERE {where}",  # noqa: S608 - fixed
            value,
        )
        return None if row is None else _challenge(row)

    async def join_challenge(
        self, challenge_id: int, user: UserKey, display_name: str, now: datetime
    ) -> bool:
        status = await self._pool.execute(
            JOIN_CHALLENGE, challenge_id, user_text(user), display_name, now
        )
        return changed(status)

    async def replace_challenge_answer(
        self, challenge_id: int, user: UserKey, expected: str, answer: str
    ) -> bool:
        status = await self._pool.execute(
            REPLACE_CHALLENGE_ANSWER, challenge_id, user_text(user), expected, answer
        )
        return changed(status)

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        rows = await self._pool.fetch(CHALLENGE_ENTRIES, challenge_id)
        return [
            StoredEntry(
                user_of(row["user_key"]),
                str(row["display_name"]),
                str(row["answer"]),
                row["joined_at"],
                row["covered"],
                row["total"],
                row["points"],
            )
            for row in rows
        ]

    async def end_challenge(
        self, challenge_id: int, ended_at: datetime, scores: Sequence[EntryScore]
    ) -> bool:
        ended = await self._pool.fetchval(
            END_CHALLENGE,
            challenge_id,
            ended_at,
            [user_text(s.user) for s in scores],
            [s.covered for s in scores],
            [s.total for s in scores],
            [s.points for s in scores],
        )
        return bool(ended == 1)

    async def leaderboard(self, board: Board, since: datetime | None, limit: int) -> list[BoardRow]:
        if limit < 1:
            return []
        rows = await self._pool.fetch(LEADERBOARD, board_text(board), since, limit)
        return [
            BoardRow(
                user_of(row["user_key"]),
                str(row["display_name"]),
                int(row["points"]),
                int(row["challenges"]),
            )
            for row in rows
        ]


def _challenge(row: Any) -> StoredChallenge:
    return StoredChallenge(
        id=int(row["id"]),
        scope=scope_of(row["scope"]),
        board=board_of(row["board"]),
        drill_id=str(row["drill_id"]),
        params=params_of(row["params"]),
        starter=starter_of(row["starter"]),
        started_at=row["started_at"],
        deadline=row["deadline"],
        ended_at=row["ended_at"],
        target=target_of(row["target"]),
        reveal_key=str(row["reveal_key"]),
    )
