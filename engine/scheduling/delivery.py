"""What a due job turns into: a Reply and where to post it. Adapters only translate these."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

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

    @property
    def private(self) -> bool:
        return self.user_id is not None

    def marked_late(self, by: timedelta) -> Delivery:
        """The same delivery, saying it is late and by how much."""
        span = format_duration(int(by.total_seconds()))
        notice = Notice(f"Late by {span}: this fell due while Rungs was not running.")
        reply = replace(self.reply, blocks=(notice, *self.reply.blocks))
        return replace(self, reply=reply, late=True)


Deliver = Callable[[Delivery], Awaitable[None]]


def node_id() -> str:
    """A name for this process, unique among the nodes sharing a database: host, pid, random
    (the random part keeps a restarted process with a recycled pid apart from its ghost)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
