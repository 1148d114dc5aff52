"""The Tutor's durable jobs: their keys (the rules for them live here, not in any store), where
their deliveries go, and the deliveries themselves.

A job's target and payload hold ids only; the text of a delivery is built when it falls due,
from the state in the store at that moment.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from engine.ports import (
    ChallengeReveal,
    ClaimedJob,
    DailyDrill,
    DrillNudge,
    NewJob,
    ScheduleSpec,
    Scope,
    Target,
)
from engine.replies import Reply
from engine.scheduling import Delivery
from engine.tutor.actor import Actor


def nudge_key(session_id: int) -> str:
    return f"drill:{session_id}"


def channel_target(actor: Actor) -> Target:
    """Post to the actor's channel (or their own space), for everybody there."""
    return Target(actor.workspace, actor.channel_id)


def private_target(actor: Actor) -> Target:
    """Only the actor sees it, where they are (or in a direct message)."""
    return Target(actor.workspace, actor.channel_id, actor.user_id)


def nudge_job(actor: Actor, session_id: int, due_at: datetime) -> NewJob:
    """A drill's time's-up nudge, for its learner only."""
    payload = DrillNudge(session_id, actor.user_key)
    return NewJob(nudge_key(session_id), actor.platform, private_target(actor), payload, due_at)


def reveal_job(actor: Actor, deadline: datetime) -> NewJob:
    """A challenge's reveal at its deadline, for the channel. The key is made before the
    challenge exists (it is stored with it), so it carries a random part, not the challenge's
    id: unique for ever, as job keys must be."""
    key = f"challenge:{actor.cluster_scope}:{secrets.token_hex(8)}"
    return NewJob(key, actor.platform, channel_target(actor), ChallengeReveal(), deadline)


def daily_job(
    platform: str, scope: Scope, target: Target, spec: ScheduleSpec, due: datetime
) -> NewJob:
    """One day's post of a channel's daily drill; the spec's nonce keeps the keys of a schedule
    set again at the same time apart from the old one's."""
    key = f"daily:{scope}:{spec.nonce}:{int(due.timestamp())}"
    return NewJob(key, platform, target, DailyDrill(scope), due)


def delivery(job: ClaimedJob, reply: Reply) -> Delivery:
    return Delivery(
        platform=job.platform,
        workspace=job.target.workspace,
        channel_id=job.target.channel,
        user_id=job.target.user,
        reply=reply,
        job_key=job.key,
    )
