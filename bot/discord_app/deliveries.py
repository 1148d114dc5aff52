"""Posting what falls due (a challenge's reveal, a daily drill, a time's-up nudge) to Discord.

The sweeper (engine/scheduling) claims due jobs; this only posts them, through discord.py's HTTP
layer (its rate limits and retries), and says which message it made, for the sweeper to record.
A failed post raises, so the job stays claimed and is tried again after its lease.

Every post carries its delivery's nonce with enforce_nonce: should a node die after Discord
took a post but before the message was recorded, the node that takes the job over sends the same
nonce, and Discord answers with the first message instead of posting a second (it remembers a
nonce for a few minutes; a lease is 30 s)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.http import Route

from bot.discord_app.render import render
from engine.ports import Clock
from engine.scheduling.delivery import Delivery

log = logging.getLogger(__name__)

PLATFORM = "discord"


class DiscordDeliverer:
    def __init__(self, http: discord.http.HTTPClient, clock: Clock) -> None:
        self._http = http
        self._clock = clock

    async def __call__(self, delivery: Delivery) -> str | None:
        # A scheduled post goes in words: nothing it posts today has a picture, and a picture
        # here would need an upload of its own.
        message = render(delivery.reply.without_figures(), self._clock.now())
        payload: dict[str, Any] = {
            "content": message.content or None,
            "embeds": message.embeds,
            "components": message.components,
            "allowed_mentions": {"parse": []},  # nothing posted by a job pings anyone
            "nonce": delivery.post_key,
            "enforce_nonce": True,
        }
        if delivery.user_id is not None:  # for one user only: Discord has no ephemeral post
            dm = await self._http.start_private_message(int(delivery.user_id))
            channel_id = int(dm["id"])
        elif delivery.channel_id is not None:
            channel_id = int(delivery.channel_id)
        else:
            log.warning("job %s has nowhere to post on Discord; dropped", delivery.job_key)
            return None
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        posted = await self._http.request(route, json=payload)
        return f"{channel_id}/{posted.get('id', '')}" if isinstance(posted, dict) else None
