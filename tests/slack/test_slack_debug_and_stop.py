"""`rungs slack` in both modes as a real process at RUNGS_LOG_LEVEL=DEBUG (where Bolt and
slack_sdk log every request): after a trace, a drill, an answer form and a reveal, SIGTERM
ends it with exit 0 and everything saved, and its whole log holds none of the bot token, the
app token, the signing secret, a response_url's key or the verification token."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, FakeSlack
from slack_harness import RUNGS, action_id_for, free_port, rungs_env, texts, until_healthy
from test_slack_processes import finished

from bot.health import HEALTH_PATH
from bot.slack_app.run import EVENTS_PATH


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


async def start(slack: FakeSlack, db: Path, http: bool) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    if http:
        env = rungs_env(slack, db, SLACK_SIGNING_SECRET=slack.signing_secret)
        args = ["--http", "--host", "127.0.0.1", "--port", str(port)]
    else:
        env = rungs_env(slack, db, SLACK_APP_TOKEN=slack.app_token)
        args = []
    env["RUNGS_LOG_LEVEL"] = "DEBUG"
    process = await asyncio.create_subprocess_exec(
        str(RUNGS), "slack", *args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return process, f"http://127.0.0.1:{port}"


async def ready(
    slack: FakeSlack, base: str, http: bool, process: asyncio.subprocess.Process
) -> None:
    if not http:
        await slack.wait_connected(timeout=15)
        return
    await until_healthy(base + HEALTH_PATH, process)


async def send(slack: FakeSlack, base: str, http: bool, outgoing: object) -> None:
    if http:
        status, body, _ = await slack.deliver(base + EVENTS_PATH, outgoing)  # type: ignore[arg-type]
        assert status == 200, body
    else:
        await slack.wait_ack(await slack.push(outgoing), timeout=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("http", [True, False], ids=["http", "socket"])
async def test_debug_logs_keep_secrets_and_sigterm_saves_everything(
    fake: FakeSlack,
    tmp_path: Path,
    http: bool,
) -> None:
    db = tmp_path / "rungs.db"
    process, base = await start(fake, db, http)
    response_urls: list[str] = []
    try:
        await ready(fake, base, http, process)
        traced = fake.slash_command("/trace", "GET /u/7")
        response_urls.append(str(traced.response_url))
        await send(fake, base, http, traced)
        await fake.wait_for(RESPONSE_URL, timeout=5)
        drill = fake.slash_command("/drill", "a-cpu-at-80")
        response_urls.append(str(drill.response_url))
        await send(fake, base, http, drill)
        await fake.wait_for(RESPONSE_URL, nth=2, timeout=5)
        message = fake.messages_in(CHANNEL_ID)[-1]
        pressed = fake.block_actions(action_id_for(message, "r1:rv:"), message_ts=message["ts"])
        response_urls.append(str(pressed.response_url))
        await send(fake, base, http, pressed)
        revealed = await fake.wait_for(RESPONSE_URL, nth=3, timeout=5)
        assert "covered" in texts(revealed.body).lower()
        process.send_signal(signal.SIGTERM)
    finally:
        errors = await finished(process)
    assert process.returncode == 0, errors[-1500:]
    assert "DEBUG" in errors  # the level took effect: there is something to grep
    secrets = [fake.bot_token, fake.app_token, fake.signing_secret]
    secrets += [fake.workspace.verification_token]
    secrets += [url.rsplit("/", 1)[-1] for url in response_urls]
    leaked = [secret for secret in secrets if secret in errors]
    assert leaked == [], [line for line in errors.splitlines() if any(s in line for s in leaked)][
        :5
    ]
    with sqlite3.connect(db) as saved:
        (traces,) = saved.execute("SELECT count(*) FROM traces").fetchone()
        (revealed_drills,) = saved.execute(
            "SELECT count(*) FROM drill_sessions WHERE ended_at IS NOT NULL"
        ).fetchone()
    assert (traces, revealed_drills) == (1, 1)
