"""After `/forget-me confirm`, nothing in the database mentions the user: a full scan of every
row of every table, on a real SQLite file and on a real PostgreSQL, for their id and their
display name, after they traced in two shared channels (sticky sessions, a write), ran drills
(revealed, rated, one still running with its nudge pending), set their settings, answered and
scored in a team challenge and started another one, and changed shared clusters (their
history)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from store_databases import postgres_schema

from engine.content.loader import Content
from engine.ports import FixedClock, Store
from engine.replies import Reply
from engine.storage import open_store
from engine.tutor import Actor, Tutor

ZED_ID, ZED_NAME = "471100000000000001", "zed-secret-name"
ZED = Actor("discord", "guild-1", ZED_ID, ZED_NAME, "study")
ZED_ELSEWHERE = Actor("discord", "guild-1", ZED_ID, ZED_NAME, "other")
ANA = Actor("discord", "guild-1", "471100000000000002", "ana", "study", is_admin=True)
SKETCH = "A load balancer in front of stateless servers, sessions in Redis, read replicas."


def text(reply: Reply) -> str:
    return repr(reply.blocks)


async def live_a_little(tutor: Tutor, clock: FixedClock) -> None:
    await tutor.handle_text(ANA, "/cluster set sticky=on")
    for line in ("/trace GET /u/7", "/trace POST /u/7", "/trace GET /u/7"):
        assert ZED_NAME in text(await tutor.handle_text(ZED, line))
    await tutor.handle_text(ZED_ELSEWHERE, "/trace GET /u/9")
    await tutor.handle_text(ANA, "/trace GET /u/8")
    # The cluster's history: zed's own change, and ana's made while zed had a session (the
    # document kept for its undo names zed).
    await tutor.handle_text(ZED, "/cluster add server")
    await tutor.handle_text(ANA, "/cluster kill app-0")
    await tutor.handle_text(ZED_ELSEWHERE, "/cluster set cache=50")
    await tutor.handle_text(ZED, "/drill a-cpu-at-80")
    await tutor.handle_text(ZED, f"/answer {SKETCH}")
    await tutor.handle_text(ZED, "/reveal")
    await tutor.handle_text(ZED, "/rate good")
    await tutor.handle_text(ZED, "/settings tz=Europe/Berlin leaderboard=off")
    await tutor.handle_text(ANA, "/challenge start a-cpu-at-80 5m")
    await tutor.handle_text(ZED, f"/answer {SKETCH}")
    await tutor.handle_text(ANA, "/challenge end")
    await tutor.handle_text(ZED_ELSEWHERE, "/challenge start b-read-ladder 5m")
    await tutor.handle_text(ZED, "/drill b-read-ladder")  # running, its nudge pending
    clock.set(clock.now() + timedelta(minutes=1))
    await tutor.saved()


async def forget_zed(tutor: Tutor) -> Reply:
    asked = await tutor.handle_text(ZED, "/forget-me")
    assert "confirm" in text(asked)
    done = await tutor.handle_text(ZED, "/forget-me confirm")
    await tutor.saved()
    return done


def sqlite_rows(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: [repr(row) for row in db.execute(f'SELECT * FROM "{n}"')] for n in names}


async def postgres_rows(admin: Any, schema: str) -> dict[str, list[str]]:
    tables = await admin.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
    )
    found: dict[str, list[str]] = {}
    for row in tables:
        name = row["table_name"]
        rows = await admin.fetch(f'SELECT t::text AS row FROM "{schema}"."{name}" t')
        found[name] = [r["row"] for r in rows]
    return found


def mentions(rows: dict[str, list[str]], *needles: str) -> list[str]:
    return [
        f"{table}: {row[:160]}"
        for table, lines in rows.items()
        for row in lines
        if any(needle in row for needle in needles)
    ]


async def check(tutor: Tutor, clock: FixedClock, read: Any) -> None:
    await live_a_little(tutor, clock)
    before = await read()
    assert mentions(before, ZED_ID), "the scenario stored nothing about zed"
    assert {"traces", "clusters", "jobs", "challenge_entries", "cluster_changes"} <= {
        table for table, lines in before.items() if any(ZED_ID in line for line in lines)
    }

    done = await forget_zed(tutor)

    after = await read()
    assert mentions(after, ZED_ID, ZED_NAME) == []
    assert "deleted" in text(done)
    # Everybody else's state is still there: ana's trace, the channel's clusters, her challenge.
    assert mentions(after, ANA.user_id)
    assert len(after["clusters"]) == 2
    assert any("GET /u/8" in row for row in after["traces"])
    # The history keeps what was changed, by "a former member"; ana's change stays hers.
    assert len(after["cluster_changes"]) == 4  # ana's sticky=on too
    assert any(ANA.user_id in row and "kill app-0" in row for row in after["cluster_changes"])
    history = text(await tutor.handle_text(ANA, "/cluster history"))
    assert "a former member" in history
    assert "add server" in history
    # The channel carries on, and so may zed, afresh.
    assert ZED_NAME in text(await tutor.handle_text(ZED, "/trace GET /u/7"))


@pytest.fixture
def clock() -> FixedClock:
    from store_databases import NOW

    return FixedClock(NOW)


async def test_nothing_mentions_a_forgotten_user_on_sqlite(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    path = tmp_path / "rungs.db"
    store = await open_store(f"sqlite:///{path}")
    try:
        tutor = Tutor(store, content, clock)

        async def read() -> dict[str, list[str]]:
            return sqlite_rows(path)

        await check(tutor, clock, read)
    finally:
        await store.close()


@pytest.fixture
async def postgres() -> AsyncIterator[tuple[Store, Any, str]]:
    async for url, admin, schema in postgres_schema():
        store = await open_store(url)
        try:
            yield store, admin, schema
        finally:
            await store.close()


async def test_nothing_mentions_a_forgotten_user_on_postgres(
    postgres: tuple[Store, Any, str], content: Content, clock: FixedClock
) -> None:
    store, admin, schema = postgres
    tutor = Tutor(store, content, clock)

    async def read() -> dict[str, list[str]]:
        return await postgres_rows(admin, schema)

    await check(tutor, clock, read)
