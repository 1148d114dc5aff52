"""A job's post on Discord carries its delivery's nonce with enforce_nonce: when a node died after
Discord took a post but before the message was recorded, the node taking the job over posts the
same delivery again and Discord hands back the first message instead of a second one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("discord", reason="discord.py (the discord extra) is not installed")

from discord_harness import Bot
from fakes.fake_discord import FakeDiscord

from bot.discord_app.deliveries import DiscordDeliverer
from engine.ports import FixedClock
from engine.replies import Paragraph, Reply
from engine.scheduling import Delivery


def reveal(channel: str, job_id: int, index: int = 0, *, may_be_out: bool = False) -> Delivery:
    return Delivery(
        "discord", "G1", channel, None, Reply((Paragraph.of("The reveal"),)), f"challenge:{job_id}",
        job_id=job_id, index=index, may_be_out=may_be_out,
    )  # fmt: skip


async def test_the_same_delivery_posted_twice_is_one_message(bot: Bot, fake: FakeDiscord) -> None:
    channel = fake.channel_id()
    deliver = DiscordDeliverer(bot.client.http, FixedClock(datetime(2026, 12, 1, tzinfo=UTC)))
    first = await deliver(reveal(channel, 41))
    again = await deliver(reveal(channel, 41, may_be_out=True))  # the node taking it over
    other = await deliver(reveal(channel, 41, index=1))  # the job's next delivery
    assert first is not None
    assert again == first
    assert other not in {None, first}
    posted = [m for m in fake.messages.values() if m["channel_id"] == channel]
    assert len(posted) == 2
