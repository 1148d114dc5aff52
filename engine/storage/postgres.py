"""The PostgreSQL store on asyncpg: a small connection pool, numbered migrations, one round trip
per store method.

Each method sends exactly one SQL statement outside any explicit transaction, so PostgreSQL runs
it as one implicit transaction: atomic on its own, with no BEGIN or COMMIT to pay for. asyncpg
caches the prepared statement per connection, so after the first call a method costs a single
Bind/Execute exchange. `save_cluster` puts the version check and both writes into one statement of
data-modifying CTEs (see `_SAVE_CLUSTER`); the row lock PostgreSQL takes on the cluster row
serialises racing savers, and under READ COMMITTED the loser re-reads the row once the winner
commits, finds the version moved on and writes nothing.

The drill methods follow the same pattern. Every write is one UPDATE whose WHERE states when it
may happen (the drill still running, the answer still short enough, the session revealed and not
yet rated); a racing writer waits for the row lock and then re-checks that WHERE, and the SET, on
the row as the winner left it, so nothing is lost and nothing happens twice. `start_session`
leans on a partial unique index (one running drill per user), and `rate_session` and
`forget_user` are single statements of data-modifying CTEs, so each is atomic on its own.

The job and team methods live in postgres_jobs.py and postgres_team.py (mixins sharing the pool)
and follow the same pattern, except the three schedule methods: short explicit transactions, for
the reason given in postgres_team.py.
"""

from __future__ import annotations

import logging
import urllib.parse
from datetime import datetime
from typing import Any

import asyncpg

from engine.ports import StoredCluster, StoredReview, StoredSession, StoredTrace
from engine.storage.migrations import migrations
from engine.storage.postgres_jobs import PostgresJobs
from engine.storage.postgres_team import PostgresTeam

log = logging.getLogger(__name__)

POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 10
TRACE_SLOTS = 16  # must match the migration's ring of traces (its CHECK on `slot`)
# Any constant works as long as every node uses the same one: it names "the migration lock" of
# this database for pg_advisory_xact_lock. Spelled as bytes so that it is recognisable in pg_locks.
MIGRATION_LOCK_KEY = int.from_bytes(b"rungs:mg", "big")

_LOAD_CLUSTER = "SELECT state, version FROM clusters WHERE scope = $1"

# $1 scope, $2 expected version, $3 state, $4 now, $5 slot, $6 trace_no, $7 trace body (or NULL).
# Exactly one of `inserted` (expected 0: nothing stored yet) and `updated` (expected N > 0) can
# write, and each writes only if the stored version is still the expected one; `ring` writes the
# trace only if one of them did. So a stale save changes nothing, and the whole save is atomic
# because it is one statement. ON CONFLICT DO NOTHING makes a racing first save wait for the
# other's insert and then yield; the UPDATE's WHERE is re-checked after waiting for the row lock.
_SAVE_CLUSTER = """
WITH inserted AS (
    INSERT INTO clusters (scope, version, state, updated_at)
    SELECT $1::text, 1, $3::text, $4::timestamptz
    WHERE $2::bigint = 0
    ON CONFLICT (scope) DO NOTHING
    RETURNING scope
), updated AS (
    UPDATE clusters SET version = version + 1, state = $3::text, updated_at = $4::timestamptz
    WHERE scope = $1::text AND version = $2::bigint AND $2::bigint > 0
    RETURNING scope
), saved AS (
    SELECT scope FROM inserted UNION ALL SELECT scope FROM updated
), ring AS (
    INSERT INTO traces (scope, slot, trace_no, body, created_at)
    SELECT scope, $5::smallint, $6::bigint, $7::text, $4::timestamptz
    FROM saved WHERE $7::text IS NOT NULL
    ON CONFLICT (scope, slot) DO UPDATE SET
        trace_no = excluded.trace_no, body = excluded.body, created_at = excluded.created_at
)
SELECT count(*) FROM saved
"""

_LOAD_TRACE = "SELECT body FROM traces WHERE scope = $1 AND slot = $2 AND trace_no = $3"

# --- drills ---

_SESSION_COLUMNS = (
    "id, drill_id, params, started_at, deadline, answer, ended_at, outcome, covered, total, "
    "missed, rating"
)

# Naming the partial index's predicate makes a second running drill a quiet no-op (no row
# returned) rather than an error; a racing start waits for the other's insert and then yields.
_START_SESSION = """
INSERT INTO drill_sessions (user_key, drill_id, params, started_at, deadline)
VALUES ($1::text, $2::text, $3::text, $4::timestamptz, $5::timestamptz)
ON CONFLICT (user_key) WHERE ended_at IS NULL DO NOTHING
RETURNING id
"""

_ABANDON_SESSION = """
UPDATE drill_sessions SET ended_at = $2::timestamptz, outcome = 'abandoned'
WHERE user_key = $1::text AND ended_at IS NULL
"""

_RUNNING_SESSION = (
    f"SELECT {_SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
    "WHERE user_key = $1::text AND ended_at IS NULL"
)

_LATEST_SESSION = (
    f"SELECT {_SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
    "WHERE user_key = $1::text ORDER BY id DESC LIMIT 1"
)

# The new length is the old one, a newline unless the answer is empty, and the text; length()
# counts characters, as Python's len() does.
_APPEND_ANSWER = """
UPDATE drill_sessions
SET answer = CASE WHEN answer = '' THEN $2::text ELSE answer || chr(10) || $2::text END
WHERE id = $1::bigint AND ended_at IS NULL
  AND length(answer) + CASE WHEN answer = '' THEN 0 ELSE 1 END + length($2::text) <= $3::integer
"""

_FINISH_SESSION = """
UPDATE drill_sessions
SET ended_at = $2::timestamptz, outcome = 'revealed', covered = $3::integer, total = $4::integer,
    missed = $5::text
WHERE id = $1::bigint AND ended_at IS NULL
"""

# $1 user, $2 session, $3 rating, $4 drill, $5 card, $6 due. The review is written only if the
# rating was: both or neither, in one statement.
_RATE_SESSION = """
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

_SESSIONS = (
    f"SELECT {_SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
    "WHERE user_key = $1::text AND ended_at IS NOT NULL ORDER BY id DESC LIMIT $2::bigint"
)

# COLLATE "C": ties on `due` break by the bytes of the drill id, as in SQLite, whatever the
# database's collation.
_REVIEWS = """
SELECT drill_id, card, due FROM reviews WHERE user_key = $1::text
ORDER BY due, drill_id COLLATE "C"
"""

_LOAD_SETTINGS = "SELECT settings FROM user_settings WHERE user_key = $1::text"

_SAVE_SETTINGS = """
INSERT INTO user_settings (user_key, settings) VALUES ($1::text, $2::text)
ON CONFLICT (user_key) DO UPDATE SET settings = excluded.settings
"""

_FORGET_USER = """
WITH sessions AS (DELETE FROM drill_sessions WHERE user_key = $1::text RETURNING 1),
     reviews AS (DELETE FROM reviews WHERE user_key = $1::text RETURNING 1),
     settings AS (DELETE FROM user_settings WHERE user_key = $1::text RETURNING 1),
     entries AS (DELETE FROM challenge_entries WHERE user_key = $1::text RETURNING 1),
     points AS (DELETE FROM board_points WHERE user_key = $1::text RETURNING 1),
     started AS (UPDATE challenges SET starter = '' WHERE starter = $1::text)
SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM reviews)
     + (SELECT count(*) FROM settings) + (SELECT count(*) FROM entries)
     + (SELECT count(*) FROM points)
"""

_CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class PostgresStore(PostgresJobs, PostgresTeam):
    def __init__(self, pool: Any) -> None:  # asyncpg ships no type hints: Pool is Any
        self._pool = pool

    @classmethod
    async def open(cls, url: str) -> PostgresStore:
        """Connect a pool to `url` (libpq-style; query parameters such as `search_path` become
        session settings) and apply the migrations not applied yet."""
        pool = await asyncpg.create_pool(
            url, min_size=POOL_MIN_SIZE, max_size=POOL_MAX_SIZE, reset=_keep_session
        )
        try:
            async with pool.acquire() as connection:
                await _migrate(connection)
        except BaseException:
            await pool.close()
            raise
        log.info("PostgreSQL store ready at %s", redact_url(url))
        return cls(pool)

    async def load_cluster(self, scope: str) -> StoredCluster | None:
        row = await self._pool.fetchrow(_LOAD_CLUSTER, scope)
        if row is None:
            return None
        return StoredCluster(str(row["state"]), int(row["version"]))

    async def save_cluster(
        self,
        scope: str,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        saved = await self._pool.fetchval(
            _SAVE_CLUSTER,
            scope,
            expected_version,
            document,
            now,
            trace.trace_no % TRACE_SLOTS if trace else None,
            trace.trace_no if trace else None,
            trace.document if trace else None,
        )
        return bool(saved == 1)

    async def delete_cluster(self, scope: str) -> int:
        count = await self._pool.fetchval(
            "WITH gone AS (DELETE FROM clusters WHERE scope = $1 RETURNING scope) "
            "SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM traces WHERE scope = $1)",
            scope,
        )
        return int(count or 0)

    async def load_trace(self, scope: str, trace_no: int) -> str | None:
        body = await self._pool.fetchval(_LOAD_TRACE, scope, trace_no % TRACE_SLOTS, trace_no)
        return None if body is None else str(body)

    # --- drills ---

    async def start_session(
        self, user: str, drill_id: str, params: str, started_at: datetime, deadline: datetime
    ) -> int | None:
        session_id = await self._pool.fetchval(
            _START_SESSION, user, drill_id, params, started_at, deadline
        )
        return None if session_id is None else int(session_id)

    async def abandon_session(self, user: str, ended_at: datetime) -> bool:
        return _changed(await self._pool.execute(_ABANDON_SESSION, user, ended_at))

    async def running_session(self, user: str) -> StoredSession | None:
        row = await self._pool.fetchrow(_RUNNING_SESSION, user)
        return None if row is None else _session(row)

    async def latest_session(self, user: str) -> StoredSession | None:
        row = await self._pool.fetchrow(_LATEST_SESSION, user)
        return None if row is None else _session(row)

    async def append_answer(self, session_id: int, text: str, max_length: int) -> bool:
        return _changed(await self._pool.execute(_APPEND_ANSWER, session_id, text, max_length))

    async def finish_session(
        self, session_id: int, ended_at: datetime, covered: int, total: int, missed: str
    ) -> bool:
        status = await self._pool.execute(
            _FINISH_SESSION, session_id, ended_at, covered, total, missed
        )
        return _changed(status)

    async def rate_session(
        self, user: str, session_id: int, rating: str, drill_id: str, card: str, due: datetime
    ) -> bool:
        rated = await self._pool.fetchval(
            _RATE_SESSION, user, session_id, rating, drill_id, card, due
        )
        return bool(rated == 1)

    async def sessions(self, user: str, limit: int) -> list[StoredSession]:
        rows = await self._pool.fetch(_SESSIONS, user, limit)
        return [_session(row) for row in rows]

    async def reviews(self, user: str) -> list[StoredReview]:
        rows = await self._pool.fetch(_REVIEWS, user)
        return [StoredReview(str(row["drill_id"]), str(row["card"]), row["due"]) for row in rows]

    async def load_settings(self, user: str) -> str | None:
        settings = await self._pool.fetchval(_LOAD_SETTINGS, user)
        return None if settings is None else str(settings)

    async def save_settings(self, user: str, settings: str) -> None:
        await self._pool.execute(_SAVE_SETTINGS, user, settings)

    async def forget_user(self, user: str) -> int:
        return int(await self._pool.fetchval(_FORGET_USER, user))

    async def close(self) -> None:
        await self._pool.close()


def _changed(status: str) -> bool:
    """Whether a command changed any row, from its status tag (`UPDATE 1`)."""
    return int(status.rpartition(" ")[2]) > 0


def _session(row: Any) -> StoredSession:
    """A drill_sessions row (the columns of _SESSION_COLUMNS). asyncpg decodes timestamptz as an
    aware UTC datetime, whatever the session's TimeZone."""
    return StoredSession(
        id=int(row["id"]),
        drill_id=str(row["drill_id"]),
        params=str(row["params"]),
        started_at=row["started_at"],
        deadline=row["deadline"],
        answer=str(row["answer"]),
        ended_at=row["ended_at"],
        outcome=row["outcome"],
        covered=row["covered"],
        total=row["total"],
        missed=row["missed"],
        rating=row["rating"],
    )


async def _keep_session(connection: Any) -> None:
    """Replace the pool's default reset, which sends `RESET ALL; UNLISTEN *; …` on every release:
    a second round trip for every store call. This store changes no session state (no SET, no
    LISTEN, no session-level locks: migrations use transaction-level ones), and asyncpg itself
    still rolls back a transaction left open before calling this."""
    del connection


async def _migrate(connection: Any) -> None:
    """Apply each migration not yet applied, each in its own transaction."""
    for migration in migrations("postgres"):
        number, name, sql = migration.number, migration.name, migration.sql
        async with connection.transaction():
            await _apply(connection, number, name, sql)


async def _apply(connection: Any, number: int, name: str, sql: str) -> None:
    # The lock comes first, before even creating the bookkeeping table: two nodes starting at once
    # queue here, and the second then sees (READ COMMITTED: a fresh snapshot per statement) that
    # the first recorded the migration. The lock is released by the COMMIT or ROLLBACK.
    await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY)
    await connection.execute(_CREATE_MIGRATIONS_TABLE)
    if await connection.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", number):
        return
    await connection.execute(sql)  # no arguments: the simple protocol, so a script may hold many
    await connection.execute(
        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", number, name
    )


def redact_url(url: str) -> str:
    """The URL with any password (in the user info or a `password` query parameter) masked, so
    that it can be logged or shown."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in an IPv6 host: show nothing but the scheme
        return url.split(":", 1)[0][:20] + "://***"
    netloc = parts.netloc
    user_info, at, hosts = netloc.rpartition("@")
    if at and ":" in user_info:
        netloc = f"{user_info.split(':', 1)[0]}:***@{hosts}"
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    masked = [(key, "***" if key == "password" else value) for key, value in query]
    return urllib.parse.urlunsplit(
        parts._replace(netloc=netloc, query=urllib.parse.urlencode(masked, safe="*"))
    )
