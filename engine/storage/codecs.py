"""The typed values of the ports as both SQL stores keep them, and back.

Keys are text (`platform:workspace:user`, `platform:workspace:ch:id`), the small documents are
JSON text; the layouts are the ones rows were written in before the values were typed, so every
stored row still reads. Nothing outside engine/storage encodes or decodes these.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any, assert_never

from engine.ports import (
    Board,
    ChallengeReveal,
    ClaimedJob,
    DailyDrill,
    DrillNudge,
    DrillParams,
    FailureReason,
    JobPayload,
    NewJob,
    PostFailure,
    ReviewCard,
    ReviewReminder,
    ScheduleSpec,
    Scope,
    ScopeKind,
    Target,
    UnreadableJob,
    UserKey,
)

# --- keys ------------------------------------------------------------------------------------


def user_text(user: UserKey) -> str:
    return f"{user.platform}:{user.workspace}:{user.user_id}"


def user_of(text: object) -> UserKey:
    platform, workspace, user_id = str(text).split(":", 2)
    return UserKey(platform, workspace, user_id)


def starter_of(text: object) -> UserKey | None:
    """A challenge's starter: '' once that user has been forgotten."""
    return user_of(text) if text else None


def scope_text(scope: Scope) -> str:
    return f"{scope.platform}:{scope.workspace}:{scope.kind.value}:{scope.id}"


def scope_of(text: object) -> Scope:
    platform, workspace, kind, id_ = str(text).split(":", 3)
    return Scope(platform, workspace, ScopeKind(kind), id_)


def board_text(board: Board) -> str:
    return f"{board.platform}:{board.workspace}"


def board_of(text: object) -> Board:
    platform, workspace = str(text).split(":", 1)
    return Board(platform, workspace)


# --- drill documents -------------------------------------------------------------------------


def params_json(params: DrillParams) -> str:
    return json.dumps(dict(params))


def params_of(text: object) -> dict[str, float]:
    loaded: dict[str, float] = json.loads(str(text))
    return loaded


def missed_json(missed: Sequence[str]) -> str:
    return json.dumps(list(missed))


def missed_of(text: object) -> tuple[str, ...] | None:
    return None if text is None else tuple(str(item) for item in json.loads(str(text)))


def card_json(card: ReviewCard) -> str:
    """The card in the layout of fsrs's `Card.to_dict()`, which is how older rows hold it."""
    return json.dumps(
        {
            "card_id": card.card_id,
            "state": card.state,
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": card.due.isoformat(),
            "last_review": None if card.last_review is None else card.last_review.isoformat(),
        }
    )


def card_of(text: object) -> ReviewCard:
    doc = json.loads(str(text))
    last = doc.get("last_review")
    return ReviewCard(
        card_id=int(doc["card_id"]),
        state=int(doc["state"]),
        step=None if doc.get("step") is None else int(doc["step"]),
        stability=_float(doc.get("stability")),
        difficulty=_float(doc.get("difficulty")),
        due=datetime.fromisoformat(doc["due"]),
        last_review=None if last is None else datetime.fromisoformat(last),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- jobs and schedules ----------------------------------------------------------------------


def target_json(target: Target) -> str:
    doc: dict[str, str | None] = {"workspace": target.workspace, "channel": target.channel}
    if target.user is not None:
        doc["user"] = target.user
    return json.dumps(doc)


def target_of(text: object) -> Target:
    doc = json.loads(str(text))
    user = doc.get("user")
    channel = doc.get("channel")
    return Target(
        str(doc.get("workspace", "")),
        None if channel is None else str(channel),
        None if user is None else str(user),
    )


def payload_json(payload: JobPayload) -> str:
    match payload:
        case DrillNudge(session_id, user):
            return json.dumps({"session_id": session_id, "user": user_text(user)})
        case ChallengeReveal():
            return "{}"
        case DailyDrill(scope):
            return json.dumps({"scope": scope_text(scope)})
        case ReviewReminder(user):
            return json.dumps({"user": user_text(user)})
        case _:
            assert_never(payload)


_READERS: Mapping[str, Any] = {
    DrillNudge.kind: lambda doc: DrillNudge(int(doc["session_id"]), user_of(doc["user"])),
    # Older reveal jobs name their challenge in the payload too; the job key is what counts.
    ChallengeReveal.kind: lambda doc: ChallengeReveal(),
    DailyDrill.kind: lambda doc: DailyDrill(scope_of(doc["scope"])),
    ReviewReminder.kind: lambda doc: ReviewReminder(user_of(doc["user"])),
}


def payload_of(kind: object, text: object) -> JobPayload | UnreadableJob:
    """A stored job's payload; one this version cannot read comes back as `UnreadableJob`,
    so that a single odd row never stops a node's sweeps."""
    read = _READERS.get(str(kind))
    if read is None:
        return UnreadableJob(str(kind), "a kind this version does not know")
    try:
        payload: JobPayload = read(json.loads(str(text)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return UnreadableJob(str(kind), f"unreadable payload: {type(exc).__name__}")
    return payload


def job_target_of(text: object) -> Target | None:
    try:
        return target_of(text)
    except (ValueError, TypeError, AttributeError):
        return None


def spec_json(spec: ScheduleSpec) -> str:
    doc: dict[str, Any] = {
        "time": f"{spec.at:%H:%M}",
        "tz": spec.tz,
        "topic": spec.topic,
        "nonce": spec.nonce,
    }
    if spec.skipped:  # left out when empty, as documents before skipping were written
        doc["skipped"] = sorted(day.isoformat() for day in spec.skipped)
    return json.dumps(doc)


def spec_of(text: object) -> ScheduleSpec:
    doc = json.loads(str(text))
    hours, minutes = str(doc["time"]).split(":")
    topic = doc.get("topic")
    return ScheduleSpec(
        time(int(hours), int(minutes)),
        str(doc["tz"]),
        None if topic is None else str(topic),
        str(doc["nonce"]),
        frozenset(date.fromisoformat(str(day)) for day in doc.get("skipped", ())),
    )


def failure_json(failure: PostFailure | None) -> str | None:
    if failure is None:
        return None
    return json.dumps(
        {
            "reason": failure.reason.value,
            "detail": failure.detail,
            "due": failure.due_at.isoformat(),
            "count": failure.count,
        }
    )


def failure_of(text: object) -> PostFailure | None:
    """A schedule's failure, or None (none kept, or one this version cannot read: a failure
    is a notice, not state, so an unreadable one is better shown as none than fail the show)."""
    if text is None:
        return None
    try:
        doc = json.loads(str(text))
        return PostFailure(
            FailureReason(doc["reason"]),
            str(doc["detail"]),
            datetime.fromisoformat(str(doc["due"])),
            int(doc["count"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def job_values(job: NewJob) -> tuple[str, str, str, str, str]:
    """(key, kind, platform, target, payload) of a job to write; its due time is the caller's,
    in its dialect's form."""
    return (job.key, job.kind, job.platform, target_json(job.target), payload_json(job.payload))


def claimed_job(
    id_: object,
    key: object,
    kind: object,
    platform: object,
    target: object,
    payload: object,
    due_at: datetime,
    attempts: object,
    posted: object = None,
    posting: object = None,
) -> ClaimedJob:
    """A claimed row as the port's value. An unreadable target makes the whole job unreadable:
    a delivery with nowhere to go cannot be made."""
    where = job_target_of(target)
    what = payload_of(kind, payload)
    if where is None:
        where, what = Target(""), UnreadableJob(str(kind), "unreadable target")
    return ClaimedJob(
        int(str(id_)),
        str(key),
        str(platform),
        where,
        what,
        due_at,
        int(str(attempts)),
        posted_of(posted),
        None if posting is None else int(str(posting)),
    )


def posted_of(text: object) -> tuple[str, ...]:
    """The message ids of a job's deliveries that are out (a JSON array; NULL: none)."""
    if text is None:
        return ()
    values = json.loads(str(text))
    return tuple(str(value) for value in values) if isinstance(values, list) else ()
