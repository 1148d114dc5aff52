"""The Tutor's durable jobs: their kinds, keys, and where their deliveries go.

A job's target and payload are JSON holding ids only; the text of a delivery is built when it
falls due, from the state in the store at that moment.
"""

from __future__ import annotations

import json
from datetime import datetime

from engine.ports import ClaimedJob, NewJob
from engine.replies import Reply
from engine.scheduling import Delivery
from engine.tutor.actor import Actor

DRILL_NUDGE = "drill_nudge"
CHALLENGE_REVEAL = "challenge_reveal"
DAILY_DRILL = "daily_drill"


def nudge_key(session_id: int) -> str:
    return f"drill:{session_id}"


def channel_target(actor: Actor) -> str:
    """Post to the actor's channel (or their own space), for everybody there."""
    return json.dumps({"workspace": actor.workspace, "channel": actor.channel_id})


def private_target(actor: Actor) -> str:
    """Only the actor sees it, where they are (or in a direct message)."""
    return json.dumps(
        {"workspace": actor.workspace, "channel": actor.channel_id, "user": actor.user_id}
    )


def nudge_job(actor: Actor, session_id: int, due_at: datetime) -> NewJob:
    payload = json.dumps({"session_id": session_id, "user": actor.user_key})
    return NewJob(
        nudge_key(session_id), DRILL_NUDGE, actor.platform, private_target(actor), payload, due_at
    )


def delivery(job: ClaimedJob, reply: Reply) -> Delivery:
    target = json.loads(job.target)
    return Delivery(
        platform=job.platform,
        workspace=str(target.get("workspace", "")),
        channel_id=target.get("channel"),
        user_id=target.get("user"),
        reply=reply,
        job_key=job.key,
    )
