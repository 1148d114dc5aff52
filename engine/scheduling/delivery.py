"""What a due job turns into: a Reply and where to post it. Adapters only translate these."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from engine.ports import FailureReason
from engine.replies import Notice, Reply, format_duration


@dataclass(frozen=True, slots=True)
class Delivery:
    """A Reply to post because a job fell due.

    Public replies go to `channel_id` (None: the user's DM or the console's own space). A
    private reply (`user_id` set) is for that user only: an ephemeral message in `channel_id`
    where the platform has them, else a direct message."""

    platform: str
    workspace: str
    channel_id: str | None
    user_id: str | None
    reply: Reply
    job_key: str
    late: bool = False
    job_id: int = 0
    index: int = 0  # which of its job's deliveries this is
    # A node that held the job started this very post and died (or lost its claim) before it
    # recorded the message: it may be out already. A platform with an idempotency key (Discord's
    # enforce_nonce) posts it at most once anyway; others post it again (at least once).
    may_be_out: bool = False

    @property
    def post_key(self) -> str:
        """The same for every attempt at this delivery (≤ 25 characters: Discord's nonce)."""
        return f"r{self.job_id}.{self.index}"

    @property
    def private(self) -> bool:
        return self.user_id is not None

    def marked_late(self, by: timedelta) -> Delivery:
        """The same delivery, saying it is late and by how much."""
        span = format_duration(int(by.total_seconds()))
        notice = Notice(f"Late by {span}: this fell due while Rungs was not running.")
        reply = replace(self.reply, blocks=(notice, *self.reply.blocks))
        return replace(self, reply=reply, late=True)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a platform refused a post for good (trying again would fail the same way)."""

    reason: FailureReason
    detail: str  # the platform's own words and codes, safe to show: no token, no URL


class PostRefused(Exception):
    """Raised by a deliverer when the platform refused the post for good: the bot is not in
    the channel, the channel is gone, the user takes no direct messages. The sweeper records
    the refusal with the job (a scheduled post keeps it for its channel to see) and finishes
    the job instead of retrying it."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"{refusal.reason.value}: {refusal.detail}")
        self.refusal = refusal


# Posts a delivery; returns the platform's id of the message (None: it gives none, or the
# delivery had nowhere to go). Raises PostRefused when the platform refused it for good, and
# anything else when the post failed for now: the job is retried after its lease.
Deliver = Callable[[Delivery], Awaitable[str | None]]


def node_id() -> str:
    """A name for this process, unique among the nodes sharing a database: host, pid, random
    (the random part keeps a restarted process with a recycled pid apart from its ghost)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
