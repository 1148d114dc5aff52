"""`rungs slack` as real processes, started with the documented command and settings: two HTTP
replicas on one database behave as one app; Socket Mode works with the same handlers."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, FakeSlack
from slack_harness import JSON, RUNGS, action_id_for, free_port, rungs_env, rungs_process, texts

START_TIMEOUT_S = 15.0


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


async def finished(process: asyncio.subprocess.Process) -> str:
    """Its standard error once it exits; killed (never left behind) if it does not in 30 s."""
    try:
        _, errors = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return errors.decode()


def latest(fake: FakeSlack) -> JSON:
    return fake.messages_in(CHANNEL_ID)[-1]


async def click(fake: FakeSlack, url: str, message: JSON, engine_prefix: str) -> None:
    action_id = action_id_for(message, engine_prefix)
    status, body, _ = await fake.deliver(
        url, fake.block_actions(action_id, message_ts=message["ts"])
    )
    assert status == 200, body


async def test_two_replicas_on_one_database_behave_as_one(fake: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    async with rungs_process(fake, db) as first, rungs_process(fake, db) as second:
        # A trace on one replica; its Next button served by the other.
        status, _, _ = await fake.deliver(first, fake.slash_command("/trace", "GET /u/7"))
        assert status == 200
        await fake.wait_for(RESPONSE_URL, timeout=5)
        trace = latest(fake)
        await click(fake, second, trace, "r1:ts:")
        await fake.wait_for(RESPONSE_URL, nth=2, timeout=5)
        assert "2/" in texts(fake.message(CHANNEL_ID, trace["ts"]))

        # The channel's cluster is shared: the second replica's trace is the channel's #2.
        await fake.deliver(second, fake.slash_command("/trace", "GET /u/7"))
        again = await fake.wait_for(RESPONSE_URL, nth=3, timeout=5)
        assert "Trace #2" in texts(again.body)

        # A drill started on one replica, answered through the form on the other, revealed on
        # the first.
        await fake.deliver(first, fake.slash_command("/drill", "a-cpu-at-80"))
        await fake.wait_for(RESPONSE_URL, nth=4, timeout=5)
        drill = latest(fake)
        await click(fake, second, drill, "r1:an")
        opened = await fake.wait_for("views.open", timeout=5)
        assert opened.ok, opened.response
        submission = fake.view_submission(
            opened.response["view"]["id"],
            {"sketch": {"sketch": "A load balancer over stateless servers, health checks."}},
        )
        status, _, _ = await fake.deliver(first, submission)
        assert status == 200
        await fake.wait_for("chat.postEphemeral", timeout=5)
        await click(fake, first, drill, "r1:rv:")
        revealed = await fake.wait_for(RESPONSE_URL, nth=5, timeout=5)
        assert "covered" in texts(revealed.body).lower()
    assert fake.warnings == []


async def test_socket_mode_serves_the_same_commands(fake: FakeSlack, tmp_path: Path) -> None:
    env = rungs_env(fake, tmp_path / "socket.db", SLACK_APP_TOKEN=fake.app_token)
    process = await asyncio.create_subprocess_exec(
        str(RUNGS), "slack", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        await fake.wait_connected(timeout=START_TIMEOUT_S)
        envelope = await fake.push(fake.slash_command("/trace", "GET /u/7"))
        ack = await fake.wait_ack(envelope, timeout=5)
        assert ack.elapsed < 3.0
        posted = await fake.wait_for(RESPONSE_URL, timeout=5)
        assert "GET /u/7" in texts(posted.body)

        trace = latest(fake)
        button = fake.block_actions(action_id_for(trace, "r1:ts:"), message_ts=trace["ts"])
        await fake.wait_ack(await fake.push(button), timeout=5)
        await fake.wait_for(RESPONSE_URL, nth=2, timeout=5)
        assert "2/" in texts(fake.message(CHANNEL_ID, trace["ts"]))
    finally:
        if process.returncode is None:
            process.terminate()
        errors = (await finished(process)).encode()
    assert process.returncode == 0, errors.decode()[-800:]
    assert fake.bot_token not in errors.decode()


async def test_a_refused_bot_token_stops_start_up(fake: FakeSlack, tmp_path: Path) -> None:
    env = rungs_env(
        fake,
        tmp_path / "r.db",
        SLACK_BOT_TOKEN="xoxb-0-wrong",
        SLACK_SIGNING_SECRET=fake.signing_secret,
    )
    # The fake answers in this event loop, so the process is awaited, never waited on.
    process = await asyncio.create_subprocess_exec(
        str(RUNGS),
        "slack",
        "--http",
        "--port",
        str(free_port()),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    errors = await finished(process)
    assert process.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in errors
    assert "xoxb-0-wrong" not in errors


async def test_a_refused_app_token_stops_socket_mode(fake: FakeSlack, tmp_path: Path) -> None:
    env = rungs_env(fake, tmp_path / "r.db", SLACK_APP_TOKEN="xapp-1-wrong")
    process = await asyncio.create_subprocess_exec(
        str(RUNGS), "slack", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    errors = await finished(process)
    assert process.returncode == 2
    assert "Slack refused SLACK_APP_TOKEN" in errors
    assert "xapp-1-wrong" not in errors
