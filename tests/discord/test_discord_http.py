"""`rungs discord --http`: the interactions endpoint end to end, the real bot (Tutor, store,
discord.py's REST layer) on one side and the fake Discord on the other, which signs each
interaction with an Ed25519 key made here and takes the HTTP response as its callback.
Follow-ups and the sweeper's posts reach the fake's REST routes as in gateway mode."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)
pytest.importorskip("nacl", reason="PyNaCl (the discord extra) is not installed")

from aiohttp import ClientSession, web
from discord_harness import EPHEMERAL, RUNGS, buttons_of, text_of
from fakes.fake_discord import FakeDiscord
from fakes.fake_discord.http_interactions import InteractionsEndpointClient
from nacl.signing import SigningKey
from shifted_clock import ShiftedClock

from bot.discord_app import client as client_module
from bot.discord_app.client import RungsDiscord
from bot.discord_app.http_mode import INTERACTIONS_PATH, InteractionsEndpoint, interactions_app
from bot.discord_app.signature import Verifier
from engine.content.loader import Content
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor


@dataclass
class HttpBot:
    discord: InteractionsEndpointClient  # Discord's side: signs and posts
    db: Path
    endpoint: InteractionsEndpoint

    async def traces(self) -> int:
        """Traces stored, once the interactions in hand are done (a trace is answered before
        its cluster is saved)."""
        await self.endpoint.drain()
        with sqlite3.connect(self.db) as connection:
            return int(connection.execute("SELECT count(*) FROM traces").fetchone()[0])


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
async def http_bot(
    fake: FakeDiscord, tmp_path: Path, content: Content, clock: ShiftedClock
) -> AsyncIterator[HttpBot]:
    """What `rungs discord --http` runs (http_mode.run_http), on port 0 of loopback."""
    key = SigningKey.generate()
    db = tmp_path / "http.db"
    store = await SqliteStore.open(db)
    tutor = Tutor(store, content, clock)
    bot = RungsDiscord(tutor, clock)
    await bot.login(fake.token)  # REST only: no gateway session
    endpoint = InteractionsEndpoint(
        bot, Verifier(key.verify_key.encode().hex()), tutor.first_sighting
    )
    runner = web.AppRunner(interactions_app(endpoint, tutor.ready), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}{INTERACTIONS_PATH}"
    try:
        yield HttpBot(InteractionsEndpointClient(fake, url, key), db, endpoint)
    finally:
        await runner.cleanup()
        await endpoint.drain()
        await bot.close()
        await tutor.saved()
        await store.close()


async def test_ping_gets_pong(http_bot: HttpBot) -> None:
    answer = await http_bot.discord.ping()
    assert (answer.status, answer.body) == (200, {"type": 1})


async def test_a_trace_and_its_next_button_are_answered_in_the_http_response(
    fake: FakeDiscord, http_bot: HttpBot
) -> None:
    guild = fake.guilds[0].id
    trace = await http_bot.discord.deliver(
        fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=guild)
    )
    assert (trace.status, trace.type) == (200, 4)
    assert trace.elapsed < 3
    assert "1/11" in text_of(trace.data)
    assert not trace.data.get("flags", 0) & EPHEMERAL
    assert trace.data["allowed_mentions"] == {"parse": []}
    assert trace.message is not None
    step = await http_bot.discord.deliver(
        fake.button(buttons_of(trace.data)["Next"], trace.message, guild_id=guild)
    )
    assert (step.status, step.type) == (200, 7)  # the message edited in place
    assert "2/11" in text_of(step.data)
    # Nothing went through the callback route: the HTTP responses were the callbacks.
    assert not [c for c in fake.calls.items if c.path.endswith("/callback")]


async def test_drill_answer_form_and_reveal(fake: FakeDiscord, http_bot: HttpBot) -> None:
    started = await http_bot.discord.deliver(fake.slash("drill", {"which": "a-cpu-at-80"}))
    assert started.data["flags"] & EPHEMERAL
    assert started.message is not None
    opened = await http_bot.discord.deliver(
        fake.button(buttons_of(started.data)["Answer"], started.message)
    )
    assert opened.type == 9  # the modal
    sketch = "Profile first; scale up to a bigger instance, then out behind a load balancer."
    added = await http_bot.discord.deliver(
        fake.modal_submit(fake.modal_for(opened.interaction_id), {"sketch": sketch})
    )
    assert "Added to your sketch" in text_of(added.data)
    revealed = await http_bot.discord.deliver(fake.slash("reveal"))
    assert "covered" in text_of(revealed.data).lower()


async def test_a_slow_reply_is_deferred_and_follows_through_the_webhook(
    fake: FakeDiscord, http_bot: HttpBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "DEFER_AFTER_S", 0.0)  # as if the Tutor took 2 s
    deferred = await http_bot.discord.deliver(fake.slash("progress"))
    assert (deferred.status, deferred.type) == (200, 5)
    assert deferred.data["flags"] & EPHEMERAL
    edit = await fake.wait_for_webhook(deferred.interaction_id, method="PATCH")
    assert edit.status == 200, edit.response
    assert "drill" in text_of(edit.body).lower()


async def test_the_sweeper_posts_a_challenge_reveal_without_a_gateway(
    fake: FakeDiscord, http_bot: HttpBot, clock: ShiftedClock
) -> None:
    guild, channel = fake.guilds[0].id, fake.guilds[0].channel_id
    started = await http_bot.discord.deliver(
        fake.slash("challenge start", {"drill": "a-cpu-at-80", "duration": "1m"}, guild_id=guild)
    )
    assert started.status == 200, started.response
    clock.advance(61)
    reveal = await fake.wait_for(
        lambda c: c.method == "POST" and c.path == f"/channels/{channel}/messages", timeout=10
    )
    assert reveal.status == 200, reveal.response
    assert "covered" in text_of(reveal.body).lower()


async def test_bad_signatures_are_refused_and_change_nothing(
    fake: FakeDiscord, http_bot: HttpBot
) -> None:
    discord = http_bot.discord
    _, body = discord.register(fake.slash("trace", {"method": "GET", "path": "/u/7"}))
    stranger = InteractionsEndpointClient(fake, discord.url)  # another key
    tampered = body.replace(b"/u/7", b"/u/8")
    headers = discord.sign(body)
    refusals = [
        await discord.post(body, stranger.sign(body)),
        await discord.post(tampered, headers),
        await discord.post(body, {}),
        await discord.post(body, {**headers, "X-Signature-Ed25519": "zz" * 64}),
        await discord.post(body, {**headers, "X-Signature-Timestamp": "soon"}),
    ]
    assert [r.status for r in refusals] == [401] * 5
    assert {r.body["error"] for r in refusals} == {
        "invalid request signature",
        "missing signature headers",
        "malformed signature headers",
    }
    assert await http_bot.traces() == 0
    assert not [c for c in fake.calls.items if "/webhooks/" in c.path]


async def test_stale_and_replayed_requests_are_refused(
    fake: FakeDiscord, http_bot: HttpBot
) -> None:
    discord = http_bot.discord
    state, body = discord.register(fake.slash("trace", {"method": "GET", "path": "/u/7"}))
    old = await discord.post(body, discord.sign(body, str(int(time.time()) - 301)))
    ahead = await discord.post(body, discord.sign(body, str(int(time.time()) + 301)))
    assert (old.status, old.body) == (401, {"error": "stale request timestamp"})
    assert (ahead.status, ahead.body) == (401, {"error": "stale request timestamp"})
    assert await http_bot.traces() == 0

    headers = discord.sign(body)
    first = discord.accept(state, await discord.post(body, headers))
    assert (first.status, first.type) == (200, 4)
    again = await discord.post(body, headers)
    assert (again.status, again.body) == (401, {"error": "replayed request"})
    assert await http_bot.traces() == 1  # applied once


async def test_a_replay_sent_to_another_replica_is_refused(
    fake: FakeDiscord, http_bot: HttpBot, content: Content, clock: ShiftedClock
) -> None:
    """A second replica on the same database (its own process memory: store, Tutor, client,
    verifier) refuses a request the first one answered: the store remembers it for both."""
    discord = http_bot.discord
    store = await SqliteStore.open(http_bot.db)
    tutor = Tutor(store, content, clock)
    bot = RungsDiscord(tutor, clock)
    await bot.login(fake.token)
    endpoint = InteractionsEndpoint(bot, Verifier(discord.public_key), tutor.first_sighting)
    runner = web.AppRunner(interactions_app(endpoint, tutor.ready), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    other = f"http://127.0.0.1:{runner.addresses[0][1]}{INTERACTIONS_PATH}"
    try:
        state, body = discord.register(fake.slash("trace", {"method": "GET", "path": "/u/7"}))
        headers = discord.sign(body)
        first = discord.accept(state, await discord.post(body, headers))
        assert (first.status, first.type) == (200, 4)
        again = await InteractionsEndpointClient(fake, other, discord.key).post(body, headers)
        assert (again.status, again.body) == (401, {"error": "replayed request"})
        assert await http_bot.traces() == 1
        _, fresh = discord.register(fake.slash("trace", {"method": "GET", "path": "/u/8"}))
        served = InteractionsEndpointClient(fake, other, discord.key)
        assert (await served.post(fresh, discord.sign(fresh))).status == 200  # it serves
    finally:
        await runner.cleanup()
        await endpoint.drain()
        await bot.close()
        await tutor.saved()
        await store.close()


async def test_requests_that_are_not_interactions_get_400(http_bot: HttpBot) -> None:
    discord = http_bot.discord
    nested = b'{"type": 2, "data": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    bodies = (b"not json", b"[1, 2]", json.dumps({"id": "1"}).encode(), nested)
    for body in bodies:
        answer = await discord.post(body, discord.sign(body))
        assert answer.status == 400, body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_env(fake: FakeDiscord, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RUNGS_"))}
    return env | {
        "DISCORD_TOKEN": fake.token,
        "RUNGS_DISCORD_API_BASE": fake.base_url,
        "RUNGS_DATABASE_URL": f"sqlite:///{db}",
        **extra,
    }


async def until_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    async with ClientSession() as session:
        for _ in range(600):
            if process.returncode is not None:
                errors = await process.stderr.read() if process.stderr else b""
                raise RuntimeError(f"rungs discord --http exited: {errors.decode()[-800:]}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{url} never answered")


async def test_the_documented_command_serves_interactions_and_stops_on_sigterm(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """`rungs discord --http --port N` as a real process at DEBUG: health, PING, slash
    commands, metrics on RUNGS_METRICS_PORT, a clean exit on SIGTERM with the trace saved, and
    a log with neither the bot token nor any interaction's token."""
    key = SigningKey.generate()
    port, metrics_port = free_port(), free_port()
    env = http_env(
        fake,
        tmp_path / "rungs.db",
        DISCORD_PUBLIC_KEY=key.verify_key.encode().hex(),
        RUNGS_METRICS_PORT=str(metrics_port),
        RUNGS_METRICS_HOST="127.0.0.1",
        RUNGS_LOG_LEVEL="DEBUG",
    )
    process = await asyncio.create_subprocess_exec(
        str(RUNGS), "discord", "--http", "--host", "127.0.0.1", "--port", str(port),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await until_healthy(f"{base}/healthz", process)
        discord = InteractionsEndpointClient(fake, base + INTERACTIONS_PATH, key)
        assert (await discord.ping()).body == {"type": 1}
        trace = await discord.deliver(fake.slash("trace", {"method": "GET", "path": "/u/7"}))
        assert "1/11" in text_of(trace.data)
        drill = await discord.deliver(fake.slash("drill", {"which": "a-cpu-at-80"}))
        assert "Drill" in text_of(drill.data), text_of(drill.data)
        async with (
            ClientSession() as session,
            session.get(f"http://127.0.0.1:{metrics_port}/metrics") as scraped,
        ):
            assert scraped.status == 200
            assert "rungs_commands" in await scraped.text()
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, errors.decode()[-800:]
    logged = errors.decode()
    assert "DEBUG" in logged
    tokens = [fake.token, *(state.token for state in fake.interactions.values())]
    assert len(tokens) >= 3
    assert [token for token in tokens if token in logged] == []
    with sqlite3.connect(tmp_path / "rungs.db") as saved:
        assert saved.execute("SELECT count(*) FROM traces").fetchone() == (1,)
        assert saved.execute("SELECT count(*) FROM drill_sessions").fetchone() == (1,)


async def test_http_mode_without_a_public_key_stops_with_one_line(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    for extra, expected in (
        ({}, "DISCORD_PUBLIC_KEY is not set"),
        ({"DISCORD_PUBLIC_KEY": "not-hex"}, "DISCORD_PUBLIC_KEY must be the application's"),
    ):
        done = await asyncio.create_subprocess_exec(
            str(RUNGS), "discord", "--http", "--port", str(free_port()),
            env=http_env(fake, tmp_path / "rungs.db", **extra),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        _, errors = await asyncio.wait_for(done.communicate(), 30)
        assert done.returncode == 2
        (line,) = errors.decode().splitlines()
        assert line.startswith(f"rungs: {expected}")


async def test_pictures_follow_the_words_as_an_edit_of_original(
    fake: FakeDiscord, http_bot: HttpBot
) -> None:
    """An HTTP response cannot carry files, so the body is the reply in words and the picture
    follows at once on `@original` (multipart); a button's edit does the same."""
    guild = fake.guilds[0].id
    trace = await http_bot.discord.deliver(
        fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=guild)
    )
    assert (trace.status, trace.type) == (200, 4)
    assert "1/11" in text_of(trace.data)
    assert not [e for e in trace.data["embeds"] if "image" in e]  # no file to point at yet
    edit = await fake.wait_for_webhook(trace.interaction_id, method="PATCH")
    assert edit.status == 200, edit.response
    assert [(u.index, u.filename) for u in edit.files] == [(0, "trace-1.png")]
    (attachment,) = edit.response["attachments"]
    assert attachment["content_type"] == "image/png"
    assert attachment["description"].startswith("GET /u/7 by ")
    images = [e["image"]["url"] for e in edit.response["embeds"] if "image" in e]
    assert images == [attachment["url"]]
    step = await http_bot.discord.deliver(
        fake.button(buttons_of(trace.data)["Next"], edit.response, guild_id=guild)
    )
    assert (step.status, step.type) == (200, 7)
    frame = await fake.wait_for_webhook(step.interaction_id, method="PATCH")
    assert [u.filename for u in frame.files] == ["trace-1-step-2.png"]
    assert [a["filename"] for a in frame.response["attachments"]] == ["trace-1-step-2.png"]
    assert not [c for c in fake.calls.items if c.path.endswith("/callback")]


async def test_the_export_follows_its_ephemeral_words_as_an_edit_of_original(
    fake: FakeDiscord, http_bot: HttpBot
) -> None:
    """In HTTP mode the /export's words go ephemeral in the body (which cannot carry a file)
    and the JSON file follows on `@original`, so it too is seen by the caller alone."""
    import json

    answer = await http_bot.discord.deliver(fake.slash("export"))
    assert (answer.status, answer.type) == (200, 4)
    assert answer.data["flags"] & (1 << 6)  # ephemeral: the file's message is the caller's
    assert "/forget-me" in text_of(answer.data)
    edit = await fake.wait_for_webhook(answer.interaction_id, method="PATCH")
    assert edit.status == 200, edit.response
    (upload,) = edit.files
    assert upload.filename.startswith("rungs-export-discord-")
    assert upload.content_type == "application/json"
    (attachment,) = edit.response["attachments"]
    assert attachment["filename"] == upload.filename
    doc = json.loads(fake.files[attachment["id"]])
    assert doc["yours"] == {}
