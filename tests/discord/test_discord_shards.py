"""`rungs discord` as two sharded processes on one SQLite database, started with the documented
command and settings (`--shard-count 2 --shard-ids i`), against the fake Discord.

The fake routes each guild's interactions to the session holding its shard,
`(guild_id >> 22) % 2`, and DMs to shard 0, as Discord does. The processes keep nothing of
their own: what one process started, another process finishes from the store.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import EPHEMERAL, JSON, buttons_of, press, rungs_discord, text_of
from fakes.fake_discord import Callback, FakeDiscord

TRACE = {"method": "GET", "path": "/u/7"}
SKETCH = "Profile first, then scale up to a bigger instance; later scale out behind an LB."


async def slash(fake: FakeDiscord, name: str, options: JSON, **where: Any) -> Callback:
    interaction = await fake.dispatch_interaction(fake.slash(name, options, **where))
    return await fake.wait_for_callback(interaction, timeout=10)


async def test_two_sharded_processes_share_one_database(fake: FakeDiscord, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    assert [(int(g.id) >> 22) % 2 for g in fake.guilds] == [0, 1]
    learner = fake.new_user("learner")

    async with rungs_discord(fake, db, 2, [0]):
        async with rungs_discord(fake, db, 2, [1]):
            assert sorted(fake.live_shards()) == [(0, 2), (1, 2)]  # one session for each shard
            trace, drill = await serve_both(fake, learner)

        # Shard 1's process goes away; a new one takes the shard over. It knows nothing but the
        # store: the drill is revealed with the sketch sent to the old process.
        async with rungs_discord(fake, db, 2, [1]):
            revealed = await press(fake, "Reveal", drill, user=learner)
            assert fake.shards_of(revealed.interaction_id) == [(1, 2)]
            covered = re.search(r"covered (\d+)/(\d+)", text_of(revealed.data))
            assert covered is not None
            assert int(covered[1]) >= 2  # the sketch is there: scaling up, then out behind an LB
            # The trace message of guild A steps on, on shard 0 as ever.
            stored = fake.messages[trace["id"]]
            assert set(buttons_of(stored)) >= {"Previous", "Next"}
            step = await press(fake, "Next", stored)
            assert (step.type, fake.shards_of(step.interaction_id)) == (7, [(0, 2)])
            assert "3/11" in text_of(step.data)


async def serve_both(fake: FakeDiscord, learner: JSON) -> tuple[JSON, JSON]:
    """Traces, a drill and a DM across the two shards; returns the first trace message of guild A
    and the drill message of guild B."""
    guild_a, guild_b = fake.guilds[0].id, fake.guilds[1].id
    # A trace in guild A is served by shard 0, and so are the buttons of its message.
    trace = await slash(fake, "trace", TRACE, guild_id=guild_a)
    assert (trace.status, fake.shards_of(trace.interaction_id)) == (200, [(0, 2)])
    assert trace.message is not None
    step = await press(fake, "Next", trace.message)
    assert (step.type, fake.shards_of(step.interaction_id)) == (7, [(0, 2)])
    assert "2/11" in text_of(step.data)

    # Both processes write to the one database at the same time.
    both = [
        slash(fake, "trace", {"method": "GET", "path": f"/u/{key}"}, guild_id=guild)
        for key in range(10)
        for guild in (guild_a, guild_b)
    ]
    answers = await asyncio.gather(*both)
    assert {(c.status, c.type) for c in answers} == {(200, 4)}
    assert {fake.shards_of(c.interaction_id)[0] for c in answers} == {(0, 2), (1, 2)}

    # A drill started in guild B (shard 1) and answered through its modal.
    started = await slash(fake, "drill", {"which": "a-cpu-at-80"}, guild_id=guild_b, user=learner)
    assert fake.shards_of(started.interaction_id) == [(1, 2)]
    assert started.data["flags"] & EPHEMERAL
    assert started.message is not None
    opened = await press(fake, "Answer", started.message, user=learner)
    modal = fake.modal_for(opened.interaction_id)
    submit = fake.modal_submit(modal, {"sketch": SKETCH}, user=learner, guild_id=guild_b)
    added = await fake.wait_for_callback(await fake.dispatch_interaction(submit))
    assert fake.shards_of(added.interaction_id) == [(1, 2)]
    assert "Added to your sketch" in text_of(added.data)

    # DMs are served by shard 0.
    dm = await slash(fake, "progress", {}, user=learner)
    assert (dm.status, fake.shards_of(dm.interaction_id)) == (200, [(0, 2)])
    return trace.message, started.message
