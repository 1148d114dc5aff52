"""The same on Discord: two real `rungs discord` processes (one shard each) on one SQLite file,
a fake Discord that answers every channel post only after longer than a job's lease. Each due
reveal is POSTed once: the fake's enforce_nonce would hide a second message, so the posts are
counted as requests, not as messages."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("discord", reason="discord.py (the discord extra) is not installed")

from discord_harness import rungs_discord
from fakes.fake_discord import FakeDiscord

from engine.content.loader import Content
from engine.ports import FixedClock, SystemClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

GUILDS = 5  # a reveal in each guild's channel (one challenge runs per channel)
LEASE_S = 1.0


def channel_posts(fake: FakeDiscord) -> list[str]:
    return [
        call.path
        for call in fake.calls.items
        if call.method == "POST" and call.path.endswith("/messages") and call.status == 200
    ]


async def test_two_nodes_post_each_reveal_once_on_a_slow_discord(
    tmp_path: Path, content: Content
) -> None:
    db = tmp_path / "shared.db"
    async with FakeDiscord(guilds=GUILDS) as fake:
        fake.post_delay_s = 1.6  # longer than the lease
        store = await SqliteStore.open(db)
        tutor = Tutor(store, content, FixedClock(SystemClock().now() - timedelta(minutes=10)))
        for guild in fake.guilds:
            actor = Actor("discord", guild.id, "U1", "u1", guild.channel_id)
            reply = await tutor.handle_text(actor, "/challenge start a-cpu-at-80 30s")
            assert not reply.is_error, reply
        await store.close()
        lease = {"RUNGS_JOB_LEASE_S": str(LEASE_S)}
        async with (
            rungs_discord(fake, db, 2, [0], **lease) as first,
            rungs_discord(fake, db, 2, [1], **lease) as second,
        ):
            await fake.wait_for(lambda _: len(channel_posts(fake)) >= GUILDS, timeout=60)
            await asyncio.sleep(3 * LEASE_S)  # time for a duplicate to turn up
            for process in (first, second):
                process.terminate()
        posts = channel_posts(fake)
    assert len(posts) == GUILDS, posts
    for guild in fake.guilds:
        assert posts.count(f"/channels/{guild.channel_id}/messages") == 1
