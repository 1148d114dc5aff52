"""/export lists every row that mentions the user: after the same life as the forget-me scan
(traces in two shared channels, drills revealed, rated and running with a nudge pending,
settings, a team challenge answered and scored, another one started), every row of every table
that holds the user's id, on a real SQLite file and on a real PostgreSQL, is in the export,
whole where it is theirs and by id where it is a shared document; nothing in it names anybody
else; and the reply is private, one JSON file."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from test_forget_me_scan import (  # the same scenario, and the same full scans
    ANA,
    SKETCH,
    ZED,
    ZED_ID,
    ZED_NAME,
    clock,  # noqa: F401 - a fixture
    live_a_little,
    postgres,  # noqa: F401 - a fixture
    postgres_rows,
    sqlite_rows,
)

from engine.content.loader import Content
from engine.ports import FixedClock, Store
from engine.replies import Document, Reply, Visibility
from engine.storage import open_store
from engine.tutor import Tutor

Read = Callable[[], Awaitable[dict[str, list[str]]]]


def exported(reply: Reply) -> dict[str, Any]:
    assert reply.visibility is Visibility.PRIVATE
    (document,) = reply.documents
    assert isinstance(document, Document)
    assert document.media_type == "application/json"
    assert document.filename == f"rungs-export-discord-{ZED_ID}.json"
    doc: dict[str, Any] = json.loads(document.data)
    return doc


async def check(tutor: Tutor, stepped: FixedClock, read: Read) -> None:
    await live_a_little(tutor, stepped)
    rows = await read()
    doc = exported(await tutor.handle_text(ZED, "/export"))

    mentioning = {t: [r for r in lines if ZED_ID in r] for t, lines in rows.items()}
    mentioning = {t: lines for t, lines in mentioning.items() if lines}
    listed = {
        table: len(doc["yours"].get(table, ())) + len(doc["mentioned_in"].get(table, ()))
        for table in mentioning
    }
    # Every row that holds zed's id is in the export, each once.
    assert listed == {table: len(lines) for table, lines in mentioning.items()}
    assert {
        "drill_sessions",
        "user_settings",
        "challenge_entries",
        "board_points",
        "jobs",
        "cluster_changes",
    } <= set(doc["yours"])
    # Zed's own cluster changes, in both channels, say what they did without the cluster
    # kept for their undo: that holds other learners' sessions.
    assert sorted(row["words"] for row in doc["yours"]["cluster_changes"]) == [
        "add server",
        "set cache=50",
    ]
    assert all("before" not in row for row in doc["yours"]["cluster_changes"])
    # The channels' clusters, traces and cluster changes are shared: listed by their ids alone
    # (ana's change kept the cluster from before it, which held zed's session).
    assert set(doc["mentioned_in"]) == {"clusters", "traces", "cluster_changes"}
    for table, ids in doc["mentioned_in"].items():
        assert all(set(row) <= {"scope", "slot", "trace_no", "id"} for row in ids), table
        assert all(row["scope"].startswith("discord:guild-1:ch:") for row in ids), table
    text = json.dumps(doc, ensure_ascii=False)
    assert SKETCH in text  # the answers themselves, as stored
    assert ZED_NAME in text  # the name a challenge entry keeps
    assert ANA.user_id not in text  # and nobody else
    assert doc["user"] == {"platform": "discord", "workspace": "guild-1", "user_id": ZED_ID}
    # Exporting changes nothing.
    assert await read() == rows
    # After /forget-me, the export is empty.
    await tutor.handle_text(ZED, "/forget-me confirm")
    await tutor.saved()
    after = exported(await tutor.handle_text(ZED, "/export"))
    assert after["yours"] == {}
    assert after["mentioned_in"] == {}


async def test_the_export_lists_every_row_about_the_user_on_sqlite(
    tmp_path: Path,
    content: Content,
    clock: FixedClock,  # noqa: F811 - the fixture imported above
) -> None:
    path = tmp_path / "rungs.db"
    store = await open_store(f"sqlite:///{path}")
    try:

        async def read() -> dict[str, list[str]]:
            return sqlite_rows(path)

        await check(Tutor(store, content, clock), clock, read)
    finally:
        await store.close()


async def test_the_export_lists_every_row_about_the_user_on_postgres(
    postgres: tuple[Store, Any, str],  # noqa: F811 - the fixture imported above
    content: Content,
    clock: FixedClock,  # noqa: F811
) -> None:
    store, admin, schema = postgres

    async def read() -> dict[str, list[str]]:
        return await postgres_rows(admin, schema)

    await check(Tutor(store, content, clock), clock, read)


async def test_the_in_memory_fake_exports_the_same_rows_as_sqlite(
    tmp_path: Path,
    content: Content,
    clock: FixedClock,  # noqa: F811
) -> None:
    """The tests' in-memory store stands in for the databases elsewhere: its export lists the
    same tables, with as many rows each, as SQLite's after the same life."""
    from fakes.memory_store import MemoryStore

    from engine.ports import FixedClock as Clock

    counts = []
    for make in ("sqlite", "memory"):
        own_clock = Clock(clock.now())
        store: Store = (
            await open_store(f"sqlite:///{tmp_path / 'rungs.db'}")
            if make == "sqlite"
            else MemoryStore()
        )
        try:
            tutor = Tutor(store, content, own_clock)
            await live_a_little(tutor, own_clock)
            doc = exported(await tutor.handle_text(ZED, "/export"))
        finally:
            await store.close()
        counts.append(
            {
                section: {table: len(rows) for table, rows in doc[section].items()}
                for section in ("yours", "mentioned_in")
            }
        )
    assert counts[0] == counts[1]
