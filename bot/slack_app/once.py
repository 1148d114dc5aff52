"""Each Slack request applied once, on whichever replica it arrives: a retried event (Slack
resends one it thinks went unanswered, with X-Slack-Retry-Num) or a signed request replayed
within Slack's 5-minute window is acknowledged and not handled again.

A request is keyed by what Slack itself gives it: an event by its `event_id` (the same on every
retry, in HTTP and in Socket Mode); a slash command, a button press or a form submission by
its `trigger_id` (Slack issues a fresh one per user action, so only a resent copy repeats it);
an action without one by its `action_ts` and user. The keys live in the store
(`Tutor.first_sighting`), so replicas share them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from engine.tutor import Tutor

log = logging.getLogger(__name__)

Next = Callable[[], Awaitable[None]]


def request_key(body: dict[str, Any]) -> str | None:
    """The key of a request, or None for one with nothing to key it by (handled as it is)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    if isinstance(body.get("event_id"), str) and body["event_id"]:
        return f"slack:{team}:event:{body['event_id']}"
    trigger = body.get("trigger_id")
    if isinstance(trigger, str) and trigger:
        return f"slack:{team}:trigger:{trigger}"
    actions = body.get("actions")
    user = (body.get("user") or {}).get("id")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict) and user:
        stamp = actions[0].get("action_ts")
        if stamp:
            return f"slack:{team}:action:{user}:{stamp}"
    return None


def once_middleware(tutor: Tutor) -> Callable[..., Awaitable[BoltResponse]]:
    """A Bolt middleware (after Bolt's signature check): a request seen before gets an empty
    200 (the acknowledgement Slack waits for) and goes no further."""

    # Bolt injects arguments by name: `next` is its name.
    async def once(body: dict[str, Any], resp: BoltResponse, next: Next) -> BoltResponse:
        key = request_key(body)
        if key is not None:
            try:
                first = await tutor.first_sighting(key)
            except Exception:  # the store is busy or gone: handling twice beats not at all
                log.exception("could not check whether request %s was seen; handling it", key)
                first = True
            if not first:
                log.info("request %s seen before (a retry or a replay); acknowledged only", key)
                return BoltResponse(status=200, body="")
        await next()
        return resp

    return once
