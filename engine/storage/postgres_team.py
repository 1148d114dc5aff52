"""Team study on PostgreSQL: challenges, the leaderboard and daily schedules; the team half of
`PostgresStore` (a mixin sharing its pool).

The challenge methods are one statement each (data-modifying CTEs), so one implicit transaction:
starting a challenge inserts its reveal job in the same statement; ending one is an UPDATE whose
WHERE lets it happen once, the scores, the ledger and the reveal's cancellation hanging off its
RETURNING. Joining and answering take a share lock on the challenge row, so they queue behind an
ending that is under way and then see the challenge ended.

The schedule methods are short explicit transactions: each statement of READ COMMITTED takes a
fresh snapshot, which is what lets `clear_schedule` see (and cancel) a job that a racing
`set_schedule` committed while it waited for the schedule row's lock. A single statement would
look for that job in the snapshot it started with, and leave it behind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.ports import BoardRow, EntryScore, NewJob, StoredChallenge, StoredEntry, StoredSchedule
from engine.storage.postgres_jobs import CANCEL_JOB, FINISH_JOB, SCHEDULE_JOB, changed

_CHALLENGE_COLUMNS = (
    "id, scope, board, drill_id, params, starter, started_at, deadline, ended_at, target"
)

# The reveal job is written from the challenge's RETURNING: no challenge, no job. Naming the
# partial index's predicate makes a second running challenge a quiet no-op.
START_CHALLENGE = """
WITH started AS (
    INSERT INTO challenges (scope, board, drill_id, params, starter, started_at, deadline, target)
    VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz,
            $8::text)
    ON CONFLICT (scope) WHERE ended_at IS NULL DO NOTHING
    RETURNING id, scope, target, deadline
), reveal AS (
    INSERT INTO jobs (key, kind, platform, target, payload, due_at)
    SELECT 'challenge:' || id, 'challenge_reveal', split_part(scope, ':', 1), target,
           '{"challenge_id": ' || id || '}', deadline
    FROM started
)
SELECT id FROM started
"""

JOIN_CHALLENGE = """
WITH live AS (
    SELECT id FROM challenges WHERE id = $1::bigint AND ended_at IS NULL FOR SHARE
)
INSERT INTO challenge_entries (challenge_id, user_key, display_name, joined_at)
SELECT id, $2::text, $3::text, $4::timestamptz FROM live
ON CONFLICT (challenge_id, user_key) DO NOTHING
"""

APPEND_CHALLENGE_ANSWER = """
WITH live AS (
    SELECT id FROM challenges WHERE id = $1::bigint AND ended_at IS NULL FOR SHARE
)
UPDATE challenge_entries
SET answer = CASE WHEN answer = '' THEN $3::text ELSE answer || chr(10) || $3::text END
FROM live
WHERE challenge_entries.challenge_id = live.id AND challenge_entries.user_key = $2::text
  AND length(answer) + CASE WHEN answer = '' THEN 0 ELSE 1 END + length($3::text) <= $4::integer
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
    RETURNING id, board
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
    DELETE FROM jobs
    WHERE key = 'challenge:' || $1::bigint AND done_at IS NULL AND claimed_by IS NULL
      AND EXISTS (SELECT 1 FROM ended)
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
      AND NOT rungs_leaderboard_off(s.settings)
    GROUP BY p.user_key
    ORDER BY sum(p.points) DESC, p.user_key COLLATE "C"
    LIMIT $3::integer
) AS top
ORDER BY top.points DESC, top.user_key COLLATE "C"
"""

# Locks the schedule row, creating it if need be, and returns the job key it had ('' if it is
# new: a placeholder that _POINT_SCHEDULE replaces before anyone else can see the row). The
# no-op DO UPDATE is there for its lock and its RETURNING; unlike a SELECT ... FOR UPDATE, it
# cannot miss a row that a racing transaction is inserting or deleting.
_LOCK_SCHEDULE = """
INSERT INTO schedules (scope, spec, job_key) VALUES ($1::text, $2::text, '')
ON CONFLICT (scope) DO UPDATE SET scope = excluded.scope
RETURNING job_key
"""

_POINT_SCHEDULE = """
UPDATE schedules SET spec = coalesce($2::text, spec), job_key = $3::text WHERE scope = $1::text
"""


class PostgresTeam:
    _pool: Any  # asyncpg ships no type hints

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
        challenge_id = await self._pool.fetchval(
            START_CHALLENGE, scope, board, drill_id, params, starter, started_at, deadline, target
        )
        return None if challenge_id is None else int(challenge_id)

    async def running_challenge(self, scope: str) -> StoredChallenge | None:
        row = await self._pool.fetchrow(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges "  # noqa: S608 - fixed columns
            "WHERE scope = $1::text AND ended_at IS NULL",
            scope,
        )
        return None if row is None else _challenge(row)

    async def challenge(self, challenge_id: int) -> StoredChallenge | None:
        row = await self._pool.fetchrow(
            f"SELECT {_CHALLENGE_COLUMNS} FROM challenges WHERE id = $1::bigint",  # noqa: S608
            challenge_id,
        )
        return None if row is None else _challenge(row)

    async def join_challenge(
        self, challenge_id: int, user: str, display_name: str, now: datetime
    ) -> bool:
        status = await self._pool.execute(JOIN_CHALLENGE, challenge_id, user, display_name, now)
        return changed(status)

    async def append_challenge_answer(
        self, challenge_id: int, user: str, text: str, max_length: int
    ) -> bool:
        status = await self._pool.execute(
            APPEND_CHALLENGE_ANSWER, challenge_id, user, text, max_length
        )
        return changed(status)

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        rows = await self._pool.fetch(CHALLENGE_ENTRIES, challenge_id)
        return [
            StoredEntry(
                str(row["user_key"]),
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
        self, challenge_id: int, ended_at: datetime, scores: list[EntryScore]
    ) -> bool:
        ended = await self._pool.fetchval(
            END_CHALLENGE,
            challenge_id,
            ended_at,
            [s.user for s in scores],
            [s.covered for s in scores],
            [s.total for s in scores],
            [s.points for s in scores],
        )
        return bool(ended == 1)

    async def leaderboard(self, board: str, since: datetime | None, limit: int) -> list[BoardRow]:
        if limit < 1:
            return []
        rows = await self._pool.fetch(LEADERBOARD, board, since, limit)
        return [
            BoardRow(
                str(row["user_key"]),
                str(row["display_name"]),
                int(row["points"]),
                int(row["challenges"]),
            )
            for row in rows
        ]

    # --- daily schedules ---

    async def set_schedule(self, scope: str, spec: str, first: NewJob) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            old_key = await connection.fetchval(_LOCK_SCHEDULE, scope, spec)
            if old_key:  # cancel first, in its own statement: its key may be the new job's
                await connection.execute(CANCEL_JOB, old_key)
            await connection.execute(SCHEDULE_JOB, *_job_values(first))
            await connection.execute(_POINT_SCHEDULE, scope, spec, first.key)

    async def load_schedule(self, scope: str) -> StoredSchedule | None:
        row = await self._pool.fetchrow(
            "SELECT scope, spec, job_key FROM schedules WHERE scope = $1::text", scope
        )
        if row is None:
            return None
        return StoredSchedule(str(row["scope"]), str(row["spec"]), str(row["job_key"]))

    async def clear_schedule(self, scope: str) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            job_key = await connection.fetchval(
                "DELETE FROM schedules WHERE scope = $1::text RETURNING job_key", scope
            )
            if job_key is None:
                return False
            await connection.execute(CANCEL_JOB, job_key)
            return True

    async def advance_schedule(
        self, scope: str, job_key: str, job_id: int, node: str, now: datetime, then: NewJob
    ) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            if not changed(await connection.execute(FINISH_JOB, job_id, node, now)):
                return False  # the claim was lost: nothing written
            current = await connection.fetchval(
                "SELECT job_key FROM schedules WHERE scope = $1::text FOR UPDATE", scope
            )
            if current != job_key:
                return False  # changed or removed meanwhile: the job stays done, nothing else
            await connection.execute(SCHEDULE_JOB, *_job_values(then))
            await connection.execute(_POINT_SCHEDULE, scope, None, then.key)
            await connection.execute(
                "UPDATE jobs SET next_key = $2::text WHERE id = $1::bigint", job_id, then.key
            )
            return True


def _job_values(job: NewJob) -> tuple[str, str, str, str, str, datetime]:
    return (job.key, job.kind, job.platform, job.target, job.payload, job.due_at)


def _challenge(row: Any) -> StoredChallenge:
    return StoredChallenge(
        id=int(row["id"]),
        scope=str(row["scope"]),
        board=str(row["board"]),
        drill_id=str(row["drill_id"]),
        params=str(row["params"]),
        starter=str(row["starter"]),
        started_at=row["started_at"],
        deadline=row["deadline"],
        ended_at=row["ended_at"],
        target=str(row["target"]),
    )
