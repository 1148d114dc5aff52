"""The PostgreSQL store on asyncpg: a small connection pool, numbered migrations, one round trip
per store method.

Each method sends exactly one SQL statement outside any explicit transaction, so PostgreSQL runs
it as one implicit transaction: atomic on its own, with no BEGIN or COMMIT to pay for. asyncpg
caches the prepared statement per connection, so after the first call a method costs a single
Bind/Execute exchange. `save_cluster` puts the version check and both writes into one statement of
data-modifying CTEs (see `_SAVE_CLUSTER`); the row lock PostgreSQL takes on the cluster row
serialises racing savers, and under READ COMMITTED the loser re-reads the row once the winner
commits, finds the version moved on and writes nothing.
"""

from __future__ import annotations

import logging
import urllib.parse
from datetime import datetime
from typing import Any

import asyncpg

from engine.ports import StoredCluster, StoredTrace
from engine.storage.migrations import migrations

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

_CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class PostgresStore:
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

    async def load_trace(self, scope: str, trace_no: int) -> str | None:
        body = await self._pool.fetchval(_LOAD_TRACE, scope, trace_no % TRACE_SLOTS, trace_no)
        return None if body is None else str(body)

    async def close(self) -> None:
        await self._pool.close()


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
