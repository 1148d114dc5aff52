"""Posting what falls due (a challenge's reveal, a daily drill, a time's-up nudge) to Discord.

The sweeper (engine/scheduling) claims due jobs; this only posts them, through discord.py's HTTP
layer (its rate limits and retries), and says which message it made, for the sweeper to record.
A failed post raises, so the job stays claimed and is tried again after its lease.

Every post carries its delivery's nonce with enforce_nonce: should a node die after Discord
took a post but before the message was recorded, the node that takes the job over sends the same
nonce, and Discord answers with the first message instead of posting a second (it remembers a
nonce for a few minutes; a lease is 30 s).

A post Discord refuses for good (the bot was removed from the channel or may not post there,
the channel is gone, the user takes no DMs) raises PostRefused with Discord's own code and
words, so the sweeper records it for the channel instead of trying again and again."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.http import Route

from bot.discord_app.render import render
from engine.ports import Clock, FailureReason
from engine.scheduling.delivery import Delivery, PostRefused, Refusal

log = logging.getLogger(__name__)

PLATFORM = "discord"

# Discord's JSON error codes that no retry gets past (its API reference, "JSON Error Codes").
_REFUSED: dict[int, FailureReason] = {
    50001: FailureReason.NO_ACCESS,  # Missing Access: not in the channel, or cannot see it
    50013: FailureReason.NO_ACCESS,  # Missing Permissions: may not send messages there
    10003: FailureReason.CHANNEL_GONE,  # Unknown Channel
    50007: FailureReason.DM_CLOSED,  # Cannot send messages to this user
    10013: FailureReason.DM_CLOSED,  # Unknown User
}


def refusal_of(exc: discord.HTTPException, *, direct: bool) -> Refusal | None:
    """What Discord's refusal means, or None for a failure worth trying again (a 5xx, a 429)."""
    reason = _REFUSED.get(exc.code)
    if reason is None:
        return None
    if direct and reason is not FailureReason.DM_CLOSED:
        reason = FailureReason.DM_CLOSED  # whatever Discord calls it, the DM cannot be written
    words = str(exc.text or "")[:120]
    return Refusal(reason, f"Discord {exc.status} {exc.code}: {words}".rstrip(": "))


class DiscordDeliverer:
    def __init__(self, http: discord.http.HTTPClient, clock: Clock) -> None:
        self._http = http
        self._clock = clock

    async def __call__(self, delivery: Delivery) -> str | None:
        try:
            return await self._post(delivery)
        except discord.HTTPException as exc:
            refusal = refusal_of(exc, direct=delivery.user_id is not None)
            if refusal is None:
                raise
            raise PostRefused(refusal) from exc

    async def _post(self, delivery: Delivery) -> str | None:
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
