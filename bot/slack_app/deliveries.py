"""Posting what falls due (a challenge's reveal, a daily drill, a time's-up nudge) to Slack.

The sweeper (engine/scheduling) claims due jobs; this only posts them, and says which message
it made (channel/ts), for the sweeper to record. A failed post raises, so the job stays claimed
and is tried again after its lease. Slack has no idempotency key for a post, so a delivery whose
previous holder died mid-post (`may_be_out`) is posted again: at least once, never lost.

A post Slack refuses for good (`not_in_channel`, `channel_not_found`, `is_archived`, a user who
takes no DMs) raises PostRefused with Slack's error code, so the sweeper records it for the
channel instead of trying again and again."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_app.actors import is_dm
from bot.slack_app.render import render
from engine.ports import Clock, FailureReason
from engine.scheduling.delivery import Delivery, PostRefused, Refusal

log = logging.getLogger(__name__)

# Slack's error codes for chat.postMessage / chat.postEphemeral that no retry gets past.
_REFUSED: dict[str, FailureReason] = {
    "not_in_channel": FailureReason.NO_ACCESS,
    "restricted_action": FailureReason.NO_ACCESS,
    "ekm_access_denied": FailureReason.NO_ACCESS,
    "channel_not_found": FailureReason.CHANNEL_GONE,
    "is_archived": FailureReason.CHANNEL_GONE,
    "user_not_found": FailureReason.DM_CLOSED,
    "user_not_in_channel": FailureReason.DM_CLOSED,
    "messages_tab_disabled": FailureReason.DM_CLOSED,
    "cannot_dm_bot": FailureReason.DM_CLOSED,
    "account_inactive": FailureReason.DM_CLOSED,
}


def refusal_of(exc: SlackApiError, *, direct: bool) -> Refusal | None:
    """What Slack's refusal means, or None for a failure worth trying again."""
    code = str(exc.response.get("error", "")) if exc.response is not None else ""
    reason = _REFUSED.get(code)
    if reason is None:
        return None
    if direct:
        reason = FailureReason.DM_CLOSED  # to a user: whatever Slack calls it, no DM got out
    return Refusal(reason, f"Slack {code[:60]}")


class SlackDeliverer:
    def __init__(self, client: AsyncWebClient, clock: Clock) -> None:
        self._client = client
        self._clock = clock

    async def __call__(self, delivery: Delivery) -> str | None:
        try:
            return await self._post(delivery)
        except SlackApiError as exc:
            direct = delivery.user_id is not None and not (
                delivery.channel_id and not is_dm(delivery.channel_id)
            )
            refusal = refusal_of(exc, direct=direct)
            if refusal is None:
                raise
            raise PostRefused(refusal) from exc

    async def _post(self, delivery: Delivery) -> str | None:
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
