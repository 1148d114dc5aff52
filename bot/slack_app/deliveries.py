"""Posting what falls due (a challenge's reveal, a daily drill, a time's-up nudge) to Slack.

The sweeper (engine/scheduling) claims due jobs; this only posts them, and says which message
it made (channel/ts), for the sweeper to record. A failed post raises, so the job stays claimed
and is tried again after its lease. Slack has no idempotency key for a post, so a delivery whose
previous holder died mid-post (`may_be_out`) is posted again: at least once, never lost."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_app.actors import is_dm
from bot.slack_app.render import render
from engine.ports import Clock
from engine.scheduling.delivery import Delivery

log = logging.getLogger(__name__)


class SlackDeliverer:
    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    async def __call__(self, delivery: Delivery) -> str | None:
        message = render(delivery.reply, now=self._clock.now())
        channel = delivery.channel_id
        if delivery.user_id is not None:  # for one user only
            if channel and not is_dm(channel):
                sent = await self._client.chat_postEphemeral(
                    channel=channel,
                    user=delivery.user_id,
                    text=message.text,
                    blocks=message.blocks,
                )
                return f"{channel}/{sent.get('message_ts', '')}"
            channel = delivery.user_id  # posting to a user id writes in the app's DM
        if channel is None:
            log.warning("job %s has nowhere to post on Slack; dropped", delivery.job_key)
            return None
        posted = await self._client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks
        )
        return f"{posted.get('channel', channel)}/{posted.get('ts', '')}"
