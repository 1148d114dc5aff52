"""Upgrading a database written by the version before typed settings and engine-made reveal keys
(SQLite migrations 1-6, PostgreSQL 1-4): every row is still there and reads as the typed values,
on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from store_databases import NOW, postgres_schema

from engine.ports import (
    ChallengeReveal,
    DailyDrill,
    DrillNudge,
    ReviewCard,
    ScheduleSpec,
    Scope,
    ScopeKind,
    Store,
    Target,
    UserKey,
    UserSettings,
)
from engine.storage import open_store
from engine.storage.migrations import migrations
from engine.storage.sqlite import _statements

ALICE, BOB, CAROL, DAN = (UserKey("slack", "T1", name) for name in ("alice", "bob", "carol", "dan"))
STUDY = Scope("slack", "T1", ScopeKind.CHANNEL, "C7")
CARD = {
    "card_id": 1,
    "state": 2,
    "step": None,
    "stability": 3.2,
    "difficulty": 5.1,
    "due": "2026-12-01T09:00:00+00:00",
    "last_review": "2026-11-28T09:00:00+00:00",
}
SPEC = {"time": "09:30", "tz": "Europe/Berlin", "topic": "caching", "nonce": "ab12cd34"}
# (user, the old settings document): a zone and off; on; not JSON at all; not an object
OLD_SETTINGS = [
    ("slack:T1:alice", '{"tz": "Europe/Berlin", "leaderboard": "off"}'),
    ("slack:T1:bob", '{"leaderboard": "on"}'),
    ("slack:T1:carol", "not json at all"),
    ("slack:T1:dan", '["leaderboard", "off"]'),
]
T = NOW.isoformat()


def old_rows(execute: Callable[[str], object], when: str) -> None:
    """What the old version wrote, in its own words (`when` is a time literal of the dialect)."""
    for user, settings in OLD_SETTINGS:
        execute(f"INSERT INTO user_settings (user_key, settings) VALUES ('{user}', '{settings}')")
    execute(
        "INSERT INTO drill_sessions (user_key, drill_id, params, started_at, deadline, answer, "
        f"ended_at, outcome, covered, total, missed) VALUES ('slack:T1:alice', 'a-cpu-at-80', "
        f"'{{\"qps\": 80000}}', {when}, {when}, 'scale up', {when}, 'revealed', 3, 8, "
        '\'["headroom", "profile"]\')'
    )
    execute(
        "INSERT INTO reviews (user_key, drill_id, card, due) VALUES "
        f"('slack:T1:alice', 'a-cpu-at-80', '{json.dumps(CARD)}', {when})"
    )
    execute(
        "INSERT INTO challenges (scope, board, drill_id, params, starter, started_at, deadline, "
        f"target) VALUES ('slack:T1:ch:C7', 'slack:T1', 'a-cpu-at-80', '{{\"qps\": 80000}}', "
        f'\'slack:T1:alice\', {when}, {when}, \'{{"workspace": "T1", "channel": "C7"}}\')'
    )
    execute(
        "INSERT INTO schedules (scope, spec, job_key) VALUES "
        f"('slack:T1:ch:C7', '{json.dumps(SPEC)}', 'daily:slack:T1:ch:C7:ab12cd34:1')"
    )
    for key, kind, payload in (
        ("daily:slack:T1:ch:C7:ab12cd34:1", "daily_drill", '{"scope": "slack:T1:ch:C7"}'),
        ("drill:1", "drill_nudge", '{"session_id": 1, "user": "slack:T1:alice"}'),
    ):
        execute(
            "INSERT INTO jobs (key, kind, platform, target, payload, due_at) VALUES "
            f'(\'{key}\', \'{kind}\', \'slack\', \'{{"workspace": "T1", "channel": "C7", '
            f'"user": "U1"}}\', \'{payload}\', {when})'
        )


async def check_upgraded(store: Store) -> None:
    settings = [await store.load_settings(user) for user in (ALICE, BOB, CAROL, DAN)]
    assert settings == [
        UserSettings("Europe/Berlin", leaderboard_visible=False),
        UserSettings(None, leaderboard_visible=True),
        UserSettings(),  # not JSON: the defaults, as the old board treated it
        UserSettings(),
    ]
    [session] = await store.sessions(ALICE, 10)
    assert (session.params, session.missed, session.answer) == (
        {"qps": 80000},
        ("headroom", "profile"),
        "scale up",
    )
    [review] = await store.reviews(ALICE)
    assert review.card == ReviewCard(1, 2, None, 3.2, 5.1, NOW + timedelta(days=3), NOW)
    challenge = await store.running_challenge(STUDY)
    assert challenge is not None
    assert challenge.reveal_key == f"challenge:{challenge.id}"  # the key the trigger made
    assert challenge.starter == ALICE
    assert challenge.target == Target("T1", "C7")
    schedule = await store.load_schedule(STUDY)
    assert schedule is not None
    assert schedule.spec == ScheduleSpec(time(9, 30), "Europe/Berlin", "caching", "ab12cd34")
    claimed = await store.claim_due_jobs("slack", "node", NOW, timedelta(seconds=60), 10)
    payloads = {job.key: job.payload for job in claimed}
    assert payloads == {
        f"challenge:{challenge.id}": ChallengeReveal(),
        "daily:slack:T1:ch:C7:ab12cd34:1": DailyDrill(STUDY),
        "drill:1": DrillNudge(1, ALICE),
    }
    assert await store.challenge_by_reveal(f"challenge:{challenge.id}") == challenge
    assert await store.end_challenge(challenge.id, NOW, [])  # cancels by the old key


async def test_a_sqlite_file_of_the_old_schema_is_upgraded_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute(
            "CREATE TABLE schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for migration in migrations("sqlite"):
            if migration.number > 6:
                break
            for statement in _statements(migration.sql):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, 'then')",
                (migration.number, migration.name),
            )
        old_rows(db.execute, f"'{T}'")
    review_due = (NOW + timedelta(days=3)).isoformat()
    with sqlite3.connect(path, isolation_level=None) as db:
        db.execute("UPDATE reviews SET due = ?", (review_due,))

    store = await open_store(f"sqlite:///{path}")
    try:
        await check_upgraded(store)
    finally:
        await store.close()


@pytest.fixture
async def old_postgres() -> AsyncIterator[tuple[str, Any]]:
    async for url, admin, schema in postgres_schema():
        await admin.execute(f'SET search_path TO "{schema}"')
        await admin.execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for migration in migrations("postgres"):
            if migration.number > 4:
                break
            await admin.execute(migration.sql)
            await admin.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                migration.number,
                migration.name,
            )
        yield url, admin


async def test_a_postgres_database_of_the_old_schema_is_upgraded_with_its_rows(
    old_postgres: tuple[str, Any],
) -> None:
    url, admin = old_postgres
    statements: list[str] = []
    old_rows(statements.append, f"'{T}'::timestamptz")
    for statement in statements:
        await admin.execute(statement)
    # The old version made the reveal job in the same statement as the challenge.
    await admin.execute(
        "INSERT INTO jobs (key, kind, platform, target, payload, due_at) "
        "SELECT 'challenge:' || id, 'challenge_reveal', 'slack', target, "
        "'{\"challenge_id\": ' || id || '}', deadline FROM challenges"
    )
    await admin.execute("UPDATE reviews SET due = $1", NOW + timedelta(days=3))

    store = await open_store(url)
    try:
        await check_upgraded(store)
    finally:
        await store.close()
