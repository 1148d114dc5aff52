"""In HTTP mode an interaction's initial response is not a `POST …/callback` but the body of
the HTTP response to Discord's request. The handler path stays the gateway's: `wire.callback`
asks `answered_in_body` first, and inside an HTTP interaction the first callback becomes that
body; follow-ups and edits still go to the webhook REST API.

The pending response travels in a context variable, set for the task that answers one
interaction, so that concurrent interactions never see each other's.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


class ResponseNotSent(ConnectionError):
    """The HTTP response could not be written (Discord went away, or the deadline passed)."""


@dataclass
class InitialResponse:
    interaction_id: int
    body: asyncio.Future[JSON]
    written: asyncio.Event = field(default_factory=asyncio.Event)
    delivered: bool = False


_PENDING: ContextVar[InitialResponse | None] = ContextVar(
    "rungs_discord_initial_response", default=None
)


def expect(pending: InitialResponse) -> None:
    """Mark the current context (the task about to answer) as answering over HTTP."""
    _PENDING.set(pending)


def answers_in_body(interaction_id: int) -> bool:
    """Whether the first callback of this interaction would be the body of an HTTP response."""
    pending = _PENDING.get()
    if pending is None or pending.interaction_id != interaction_id:
        return False
    return not pending.body.done()


async def answered_in_body(interaction_id: int, payload: JSON) -> bool:
    """Hand `payload` (`{"type": …, "data": …}`) to the HTTP response if this is the first
    callback of an HTTP interaction, and wait until it is written; False otherwise (the caller
    then POSTs it, as over the gateway)."""
    pending = _PENDING.get()
    if pending is None or pending.interaction_id != interaction_id or pending.body.done():
        return False
    pending.body.set_result(payload)
    await pending.written.wait()  # a follow-up must not overtake the response it follows
    if not pending.delivered:
        raise ResponseNotSent(f"the response to interaction {interaction_id} was not sent")
    return True
