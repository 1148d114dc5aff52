"""How long a store call may wait for its database (PostgreSQL: engine/storage/postgres_pool.py).

Its own module, free of any driver, so settings and the CLI can build one without importing
asyncpg.
"""

from __future__ import annotations

from dataclasses import dataclass

# A store statement takes milliseconds; seconds without an answer mean the database is gone.
STATEMENT_S = 5.0
ACQUIRE_S = 3.0


@dataclass(frozen=True, slots=True)
class DatabaseTimeouts:
    """How long a store call waits for PostgreSQL, in seconds (RUNGS_DATABASE_STATEMENT_TIMEOUT,
    RUNGS_DATABASE_ACQUIRE_TIMEOUT)."""

    statement_s: float = STATEMENT_S
    acquire_s: float = ACQUIRE_S

    def server_settings(self) -> dict[str, str]:
        """The server's own statement_timeout, 0.5 s shorter than the client's wait, so a
        statement cancelled there comes back as such rather than as a client timeout."""
        server_ms = max(100, int((self.statement_s - 0.5) * 1000))
        return {"statement_timeout": str(server_ms)}
