"""The PostgreSQL store on asyncpg: a small connection pool, numbered migrations, one round trip
per store method.

Each method sends one SQL statement outside any explicit transaction, so PostgreSQL runs it as
one implicit transaction: atomic on its own, with no BEGIN or COMMIT to pay for. asyncpg caches
the prepared statement per connection, so after the first call a method costs a single
Bind/Execute exchange. A write that spans tables is one statement of data-modifying CTEs, and a
write that races another waits for the row lock and then re-checks its WHERE on the row as the
winner left it (READ COMMITTED), so nothing is lost and nothing happens twice; only the schedule
methods are short explicit transactions, for the reason given in postgres_schedules.py.

Each aggregate's methods live in a mixin of its own sharing the pool (postgres_clusters,
postgres_drills, postgres_challenges, postgres_schedules, postgres_jobs); this module opens,
migrates and closes.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from typing import Any

import asyncpg

from engine.storage.faults import check_newer
from engine.storage.migrations import migrations
from engine.storage.postgres_challenges import PostgresChallenges
from engine.storage.postgres_climbs import PostgresClimbs
from engine.storage.postgres_clusters import PostgresClusters
from engine.storage.postgres_drills import PostgresDrills
from engine.storage.postgres_exports import PostgresExports
from engine.storage.postgres_history import PostgresHistory
from engine.storage.postgres_jobs import PostgresJobs
from engine.storage.postgres_pool import TimedPool
from engine.storage.postgres_requests import PostgresRequests
from engine.storage.postgres_schedules import PostgresSchedules
from engine.storage.postgres_study import PostgresStudy
from engine.storage.timeouts import DatabaseTimeouts

log = logging.getLogger(__name__)

POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 10
CONNECT_TIMEOUT_S = 30.0  # the first connection at start-up: a clear error, not a hang
MIGRATION_S = 600.0  # a migration's statements: no per-command timeout, but not for ever
# Any constant works as long as every node uses the same one: it names "the migration lock" of
# this database for pg_advisory_xact_lock. Spelled as bytes so that it is recognisable in pg_locks.
MIGRATION_LOCK_KEY = int.from_bytes(b"rungs:mg", "big")

_CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class PostgresStore(
    PostgresHistory,
    PostgresClusters,
    PostgresDrills,
    PostgresChallenges,
    PostgresSchedules,
    PostgresJobs,
    PostgresClimbs,
    PostgresStudy,
    PostgresRequests,
    PostgresExports,
):
    def __init__(self, pool: TimedPool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str, timeouts: DatabaseTimeouts | None = None) -> PostgresStore:
        """Connect a pool to `url` (libpq-style; query parameters such as `search_path` become
        session settings) and apply the migrations not applied yet. Every later call waits at
        most as long as `timeouts` say (engine/storage/postgres_pool.py)."""
        timeouts = timeouts or DatabaseTimeouts()
        pool = await asyncio.wait_for(
            asyncpg.create_pool(
                url,
                min_size=POOL_MIN_SIZE,
                max_size=POOL_MAX_SIZE,
                reset=_keep_session,
                command_timeout=timeouts.statement_s,
                server_settings=timeouts.server_settings(),
            ),
            CONNECT_TIMEOUT_S,
        )
        try:
            async with pool.acquire() as connection:
                await _migrate(connection)
        except BaseException:
            pool.terminate()
            raise
        log.info("PostgreSQL store ready at %s", redact_url(url))
        return cls(TimedPool(pool, timeouts))

    async def ping(self) -> None:
        """One round trip, under the same deadlines as every call: for a readiness check."""
        await self._pool.fetchval("SELECT 1")

    async def close(self) -> None:
        await self._pool.close()


async def _keep_session(connection: Any) -> None:
    """Replace the pool's default reset, which sends `RESET ALL; UNLISTEN *; …` on every release:
    a second round trip for every store call. This store changes no session state (no SET, no
    LISTEN, no session-level locks: migrations use transaction-level ones), and asyncpg itself
    still rolls back a transaction left open before calling this."""
    del connection


async def _migrate(connection: Any) -> None:
    """Apply each migration not yet applied, each in its own transaction. Migrations are the
    one place allowed to be slow (a big table, another node's migration holding the lock), so
    they run without the statement timeout."""
    known = [m.number for m in migrations("postgres")]
    applied = await connection.fetch(
        "SELECT version FROM schema_migrations"
        if await connection.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        else "SELECT 1 AS version WHERE false",
        timeout=MIGRATION_S,
    )
    check_newer([int(row["version"]) for row in applied], known, "on PostgreSQL")
    for migration in migrations("postgres"):
        number, name, sql = migration.number, migration.name, migration.sql
        async with connection.transaction():
            await connection.execute("SET LOCAL statement_timeout = 0", timeout=MIGRATION_S)
            await _apply(connection, number, name, sql)


async def _apply(connection: Any, number: int, name: str, sql: str) -> None:
    # The lock comes first, before even creating the bookkeeping table: two nodes starting at once
    # queue here, and the second then sees (READ COMMITTED: a fresh snapshot per statement) that
    # the first recorded the migration. The lock is released by the COMMIT or ROLLBACK.
    lock, known = MIGRATION_LOCK_KEY, "SELECT 1 FROM schema_migrations WHERE version = $1"
    await connection.execute("SELECT pg_advisory_xact_lock($1)", lock, timeout=MIGRATION_S)
    await connection.execute(_CREATE_MIGRATIONS_TABLE, timeout=MIGRATION_S)
    if await connection.fetchval(known, number, timeout=MIGRATION_S):
        return
    # No arguments: the simple protocol, so a script may hold many statements.
    await connection.execute(sql, timeout=MIGRATION_S)
    await connection.execute(
        "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
        number,
        name,
        timeout=MIGRATION_S,
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
