"""Databases for the `rungs db` tests: real SQLite files and, when RUNGS_TEST_POSTGRES_URL names
a server, real PostgreSQL schemas (one per test, dropped afterwards); a community played through
the real Tutor so that every table holds rows; and a plain dump of a database to compare."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from store_databases import POSTGRES_URL_VARIABLE, with_search_path

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.storage import open_store
from engine.tutor import Actor, Tutor

SKIP_REASON = (
    f"{POSTGRES_URL_VARIABLE} is not set: set it to a PostgreSQL URL "
    "(e.g. postgresql://postgres@127.0.0.1:5432/test) to run the copy tests on PostgreSQL"
)


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A database URL naming a fresh, empty schema of the test server."""
    base_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base_url:
        pytest.skip(SKIP_REASON)
    asyncpg = pytest.importorskip("asyncpg", reason="asyncpg (the postgres extra) is missing")
    schema = f"rungs_copy_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        yield with_search_path(base_url, schema)
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


@asynccontextmanager
async def database_url(dialect: str, tmp_path: Path, name: str) -> AsyncIterator[str]:
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        async with postgres_schema() as url:
            yield url


def speaker(user: str, channel: str | None = "study", platform: str = "slack") -> Actor:
    return Actor(platform, "T1", user, user.title(), channel, is_admin=True)


async def play_community(url: str, content: Content, clock: FixedClock) -> None:
    """A little of everything, so that every table has rows and every counter has moved on:
    traces, cluster changes and an undo, drills revealed and rated, settings, challenges played
    to their end and one still running, a daily schedule, a forgotten user, and deleted rows
    above the largest id."""
    store = await open_store(url)
    tutor = Tutor(store, content, clock)
    alice, bob, zed = speaker("alice"), speaker("bob"), speaker("zed")
    script: list[tuple[Actor, str]] = [
        (alice, "/trace GET /u/7"),
        (bob, "/trace GET /u/7"),
        (bob, "/cluster set servers=3"),  # the cluster's history, and an undo in it
        (alice, "/cluster kill app-2"),
        (alice, "/cluster undo"),
        (alice, "/drill a-cpu-at-80"),
        (alice, "/answer profile first, then scale up; 80% leaves no headroom"),
        (alice, "/reveal"),
        (alice, "/rate good confirm"),
        (alice, "/review misses"),
        (bob, "/settings tz=Europe/Berlin leaderboard=off images=off"),
        (alice, "/challenge start caching 5m"),
        (alice, "/answer cache-aside with a TTL and invalidation on write"),
        (bob, "/answer a read-through cache in front of the database"),
        (zed, "/challenge join"),
        (alice, "/challenge end"),
        (alice, "/schedule daily 09:00 Europe/Berlin caching"),
        (alice, "/settings channel_images=off"),
        (speaker("carol", "other"), "/challenge start caching 10m"),
        (zed, "/drill b-read-ladder"),
        (zed, "/forget-me confirm"),
        (speaker("dave", None, "discord"), "/drill caching"),
        (bob, "/climb"),
        (alice, "/climb raise"),
        # Last, so that the highest job id is one that no longer exists.
        (speaker("erin", "third"), "/challenge start caching 5m"),
        (speaker("erin", "third"), "/challenge end"),
    ]
    try:
        for actor, line in script:
            reply = await tutor.handle_text(actor, line)
            assert not reply.is_error, (line, reply)
            clock.set(clock.now() + timedelta(seconds=7))
        await tutor.saved()
        assert await tutor.first_sighting("slack:T1:trigger:1")  # a platform request's key
    finally:
        await store.close()


def sqlite_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the migrations' own, sorted; and the AUTOINCREMENT marks."""
    with sqlite3.connect(path) as db:
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY name"
            )
        ]
        dump = {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}
        dump["sqlite_sequence"] = sorted(db.execute("SELECT name, seq FROM sqlite_sequence"))
    return dump


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))
