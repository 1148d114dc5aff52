"""`rungs db copy` throughput: a 100,000-row community moved between SQLite and PostgreSQL.

    RUNGS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/db_copy.py [--quick]

The source is a SQLite file migrated by `SqliteStore.open` and filled with 100,000 rows spread
over the tables as a community would (drill sessions with ~600-character answers, reviews,
settings, clusters with 3 KB documents and their traces, jobs, challenges and entries). Timed,
each on a fresh target:

- SQLite -> PostgreSQL (the headline: moving a community to several nodes), a new schema;
- PostgreSQL -> SQLite and SQLite -> SQLite;
- a floor for the first: the same rows read from the SQLite file and sent with asyncpg's
  binary COPY into the same tables, in one transaction, with no conversion, checksum, read-back
  or migrations: what moving the bytes alone costs.

Every copy is the real `copy_database` (snapshot, one transaction, counts and checksums read
back). Rows/s = rows / wall time, migrations of the target included. Medians of the
repetitions; the ratio to the floor is the figure to trust on a busy machine.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from benchkit import check, fail, header, info, median, parse_args, summary

from engine.storage.sqlite import SqliteStore
from engine.storage.transfer import copy_database

ROWS = 100_000
TARGET_ROWS_PER_S = 10_000  # 100,000 rows in at most 10 s: a maintenance window's coffee
SHARES = {  # table: rows (sums to ROWS)
    "drill_sessions": 24_000,
    "reviews": 16_000,
    "user_settings": 8_000,
    "clusters": 4_000,
    "traces": 16_000,
    "jobs": 20_000,
    "challenges": 2_000,
    "challenge_entries": 8_000,
    "board_points": 2_000,
}
URL_VARIABLE = "RUNGS_TEST_POSTGRES_URL"


def iso(n: int) -> str:
    return f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{n % 59:02d}+00:00"


def fill(path: Path) -> None:
    rng = random.Random(7)
    words = ["cache", "shard", "replica", "balancer", "queue", "index", "lease", "quorum"]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    state = '{"nodes": [' + ",".join(f'{{"id": {i}, "load": 0.5}}' for i in range(120)) + "]}"
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO drill_sessions (user_key, drill_id, params, started_at, deadline, "
            "answer, ended_at, outcome, covered, total, missed, rating) "
            "VALUES (?, 'caching', '{}', ?, ?, ?, ?, 'revealed', 3, 10, '[]', 'good')",
            [(f"u:{n}", iso(n), iso(n + 1), text(80), iso(n + 2)) for n in range(24_000)],
        )
        db.executemany(
            "INSERT INTO reviews VALUES (?, ?, '{\"stability\": 2.5}', ?)",
            [(f"u:{n // 2}", f"d{n % 2}-{n}", iso(n)) for n in range(16_000)],
        )
        db.executemany(
            'INSERT INTO user_settings VALUES (?, \'{"tz": "Europe/Berlin"}\')',
            [(f"u:{n}",) for n in range(8_000)],
        )
        db.executemany(
            "INSERT INTO clusters VALUES (?, 3, ?, ?)",
            [(f"slack:T:ch:{n}", state, iso(n)) for n in range(4_000)],
        )
        db.executemany(
            "INSERT INTO traces VALUES (?, ?, ?, ?, ?)",
            [(f"slack:T:ch:{n // 4}", n % 4, n % 4, text(120), iso(n)) for n in range(16_000)],
        )
        db.executemany(
            "INSERT INTO jobs (key, kind, platform, target, payload, due_at, attempts, done_at) "
            "VALUES (?, 'drill_nudge', 'slack', '{\"channel\": \"C1\"}', '{}', ?, 1, ?)",
            [(f"job:{n}", iso(n), iso(n + 1)) for n in range(18_000)],  # + 2,000 reveals
        )
        _fill_team(db)


def _fill_team(db: sqlite3.Connection) -> None:
    db.executemany(  # each with its reveal job, by the migration's trigger
        "INSERT INTO challenges (scope, board, drill_id, params, starter, started_at, deadline, "
        "ended_at, target) VALUES (?, 'slack:T', 'caching', '{}', 'u:1', ?, ?, ?, '{}')",
        [(f"slack:T:ch:{n}", iso(n), iso(n + 1), iso(n + 1)) for n in range(2_000)],
    )
    db.executemany(
        "INSERT INTO challenge_entries (challenge_id, user_key, display_name, answer, joined_at, "
        "covered, total, points) VALUES (?, ?, 'Someone', 'cache aside', ?, 3, 10, 3)",
        [(1 + n // 4, f"u:{n}", iso(n)) for n in range(8_000)],
    )
    db.executemany(
        "INSERT INTO board_points VALUES (?, ?, 'slack:T', 3, ?)",
        [(1 + n, f"u:{n}", iso(n)) for n in range(2_000)],
    )


async def _migrate(path: Path) -> None:
    store = await SqliteStore.open(path)
    await store.close()


def counted(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in SHARES)


@asynccontextmanager
async def schema(base_url: str) -> AsyncIterator[str]:
    import asyncpg

    name = f"rungs_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f'CREATE SCHEMA "{name}"')
        separator = "&" if "?" in base_url else "?"
        yield f"{base_url}{separator}search_path={name}"
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await admin.close()


async def floor(source: Path, url: str) -> float:
    """Read each table and binary-COPY it into a migrated schema: the bytes alone."""
    import asyncpg

    from engine.storage import open_store

    await (await open_store(url)).close()  # the tables; untimed
    started = time.perf_counter()
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            schema_name = await connection.fetchval("SELECT current_schema()")
            with sqlite3.connect(source) as db:
                for table in SHARES:  # parents before children
                    cursor = db.execute(f"SELECT * FROM {table}")
                    columns = [d[0] for d in cursor.description]
                    rows = [_as_postgres(row) for row in cursor]
                    await connection.copy_records_to_table(
                        table, records=rows, columns=columns, schema_name=schema_name
                    )
    finally:
        await connection.close()
    return time.perf_counter() - started


def _as_postgres(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # The least conversion binary COPY accepts: ISO text into timestamptz must be a datetime.
    from datetime import datetime

    return tuple(
        datetime.fromisoformat(v) if isinstance(v, str) and v[:3] == "202" and "T" in v else v
        for v in row
    )


async def timed(copy: Callable[[], Coroutine[Any, Any, Any]]) -> float:
    started = time.perf_counter()
    await copy()
    return time.perf_counter() - started


async def main() -> None:
    args = parse_args(__doc__ or "")
    reps = 1 if args.quick else 3
    header("rungs db copy: a 100,000-row community between SQLite and PostgreSQL", args.quick)
    base_url = os.environ.get(URL_VARIABLE)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "source.db"
        await _migrate(source)
        fill(source)
        if counted(source) != ROWS:
            fail(f"the source holds {counted(source)} rows, not {ROWS}")
        info("source file", f"{source.stat().st_size / 1e6:.1f} MB, {ROWS:,} rows")
        results: dict[str, list[float]] = {"sqlite->sqlite": []}
        for rep in range(reps):
            target = f"sqlite:///{Path(folder) / f'copy-{rep}.db'}"
            results["sqlite->sqlite"].append(
                await timed(partial(copy_database, f"sqlite:///{source}", target))
            )
        if base_url:
            await _postgres_runs(base_url, source, Path(folder), reps, results)
        else:
            info("PostgreSQL", f"skipped: {URL_VARIABLE} is not set")
    for name, seconds in results.items():
        info(name, f"{ROWS / median(seconds):,.0f} rows/s ({median(seconds):.2f} s, median)")
    if base_url:
        rate = ROWS / median(results["sqlite->postgres"])
        check("sqlite->postgres", f"{rate:,.0f} rows/s", f">= {TARGET_ROWS_PER_S:,}/s",
              rate >= TARGET_ROWS_PER_S)  # fmt: skip
        ratio = median(results["sqlite->postgres"]) / median(results["floor: read + COPY"])
        info("sqlite->postgres time / floor's", f"{ratio:.2f}x")
    summary()


async def _postgres_runs(
    base_url: str, source: Path, folder: Path, reps: int, results: dict[str, list[float]]
) -> None:
    for key in ("sqlite->postgres", "floor: read + COPY", "postgres->sqlite"):
        results[key] = []
    for rep in range(reps):
        async with schema(base_url) as url:
            results["floor: read + COPY"].append(await floor(source, url))
        async with schema(base_url) as url:
            results["sqlite->postgres"].append(
                await timed(partial(copy_database, f"sqlite:///{source}", url))
            )
            back = f"sqlite:///{folder / f'back-{rep}.db'}"
            results["postgres->sqlite"].append(await timed(partial(copy_database, url, back)))


if __name__ == "__main__":
    asyncio.run(main())
