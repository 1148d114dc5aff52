"""Exactly once with every node up, however slow the platform: two real `rungs slack --http`
processes on one database (a SQLite file; PostgreSQL when RUNGS_TEST_POSTGRES_URL is set),
their sweepers racing for the same due reveals, against a fake Slack that answers every
chat.postMessage only after longer than a job's lease. Each reveal must be posted once.

Without the lease renewal the first node's batch ran out of lease after its first slow post
and the other node claimed the rest and posted them again (the audit's 6 of 20)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import FakeSlack
from slack_harness import RUNGS, free_port, rungs_env, texts
from store_databases import postgres_schema

from engine.content.loader import Content
from engine.ports import FixedClock, SystemClock
from engine.storage import open_store
from engine.tutor import Actor, Tutor

REVEALS = 5
LEASE_S = 1.0
POST_DELAY_S = 1.6  # longer than a lease: an unrenewed claim runs out during the first post
SETTLE_S = 3 * LEASE_S  # after the last post, time enough for any duplicate to turn up


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.delay("chat.postMessage", POST_DELAY_S)
        yield slack


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    async for url, _, _ in postgres_schema():
        yield url


async def due_reveals(url: str, content: Content, team: str) -> list[str]:
    """REVEALS challenges, one per channel, whose deadlines passed a few minutes ago (started by
    the Tutor on a clock set back): due the moment a node sweeps. Their channels."""
    store = await open_store(url)
    clock = FixedClock(SystemClock().now() - timedelta(minutes=10))
    tutor = Tutor(store, content, clock)
    channels = [f"C0DUE{n}" for n in range(REVEALS)]
    for channel in channels:
        actor = Actor("slack", team, "U0STARTER", "starter", channel)
        reply = await tutor.handle_text(actor, "/challenge start a-cpu-at-80 30s")
        assert "Team challenge" in str(reply), reply
    await store.close()
    return channels


@contextlib.asynccontextmanager
async def node(fake: FakeSlack, url: str, tmp_path: Path) -> AsyncIterator[None]:
    port = free_port()
    env = rungs_env(
        fake,
        tmp_path / "unused.db",
        SLACK_SIGNING_SECRET=fake.signing_secret,
        RUNGS_DATABASE_URL=url,
        RUNGS_JOB_LEASE_S=str(LEASE_S),
    )
    process = await asyncio.create_subprocess_exec(
        str(RUNGS), "slack", "--http", "--host", "127.0.0.1", "--port", str(port),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            _, errors = await asyncio.wait_for(process.communicate(), 15)
        finally:
            if process.returncode is None:  # never leave a server behind
                process.kill()
                await process.wait()
    assert process.returncode == 0, errors.decode()[-2000:]
    assert "Traceback" not in errors.decode(), errors.decode()[-2000:]


async def test_two_nodes_post_each_reveal_once_though_each_post_outlasts_the_lease(
    fake: FakeSlack, database_url: str, content: Content, tmp_path: Path
) -> None:
    channels = await due_reveals(database_url, content, fake.workspace.team_id)
    async with node(fake, database_url, tmp_path), node(fake, database_url, tmp_path):
        await fake.wait_for("chat.postMessage", nth=REVEALS, timeout=REVEALS * POST_DELAY_S + 20)
        await asyncio.sleep(SETTLE_S)
    posts = {channel: len(fake.messages_in(channel)) for channel in channels}
    assert posts == dict.fromkeys(channels, 1)
    for channel in channels:
        assert "covered" in texts(fake.messages_in(channel)[0]).lower()  # the reveal
    recorded = await job_rows(database_url)
    assert len(recorded) == REVEALS
    ts = {f"{c}/{fake.messages_in(c)[0]['ts']}" for c in channels}
    for attempts, posted, done in recorded:
        assert done
        assert attempts == 1  # never taken over: the holder renewed its claim
        [message] = json.loads(posted)
        assert message in ts  # its post's channel/ts, recorded after the call


async def job_rows(url: str) -> list[tuple[int, str, bool]]:
    """Every job's attempts, recorded posts (a JSON array) and whether it is done."""
    query = "SELECT attempts, posted, done_at IS NOT NULL FROM jobs ORDER BY id"
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return [(int(a), str(p), bool(d)) for a, p, d in db.execute(query)]
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return [(int(a), str(p), bool(d)) for a, p, d in await connection.fetch(query)]
    finally:
        await connection.close()
