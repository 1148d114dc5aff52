"""Posting what falls due (a challenge's reveal, a daily drill, a time's-up nudge) to Slack.

The sweeper (engine/scheduling) claims due jobs; this only posts them. A failed post raises, so
the job stays claimed and is tried again after its lease."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_app.actors import PLATFORM, is_dm
from bot.slack_app.render import render
from engine.ports import Clock
from engine.scheduling.delivery import Delivery, node_id
from engine.tutor import Tutor

log = logging.getLogger(__name__)


class SlackDeliverer:
    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    async def __call__(self, delivery: Delivery) -> None:
        message = render(delivery.reply, now=self._clock.now())
        channel = delivery.channel_id
        if delivery.user_id is not None:  # for one user only
            if channel and not is_dm(channel):
                await self._client.chat_postEphemeral(
                    channel=channel,
                    user=delivery.user_id,
                    text=message.text,
                    blocks=message.blocks,
                )
                return
            channel = delivery.user_id  # posting to a user id writes in the app's DM
        if channel is None:
            log.warning("job %s has nowhere to post on Slack; dropped", delivery.job_key)
            return
        await self._client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks
        )


@asynccontextmanager
async def sweeping(tutor: Tutor, client: AsyncWebClient, clock: Clock) -> AsyncIterator[None]:
    """Deliver due jobs while the app runs; the first sweep posts whatever fell due while
    nothing was running (marked late)."""
    stop = asyncio.Event()
    sweeper = tutor.sweeper(PLATFORM, node_id(), SlackDeliverer(client, clock))
    task = asyncio.create_task(sweeper.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task
