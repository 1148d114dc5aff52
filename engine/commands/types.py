"""Typed commands: what the parser produces and the Tutor executes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from engine.sim.request import Method


@dataclass(frozen=True, slots=True)
class TraceCommand:
    method: Method
    path: str


@dataclass(frozen=True, slots=True)
class TraceViewCommand:
    """A button on a trace: show step `cursor` (0-based) of a stored trace, or all of it."""

    trace_no: int
    cursor: int | None  # None shows every step


@dataclass(frozen=True, slots=True)
class ClusterShowCommand:
    pass


@dataclass(frozen=True, slots=True)
class ClusterResetCommand:
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterSetCommand:
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ClusterKillCommand:
    node: str
    mode: str = "process"  # process: the port refuses; host: nothing answers (connect timeout)


@dataclass(frozen=True, slots=True)
class ClusterReviveCommand:
    node: str


@dataclass(frozen=True, slots=True)
class ClusterSlowCommand:
    node: str
    ms: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterWaitCommand:
    seconds: float


@dataclass(frozen=True, slots=True)
class ClusterAddCommand:
    kind: str


@dataclass(frozen=True, slots=True)
class ClusterPromoteCommand:
    node: str


@dataclass(frozen=True, slots=True)
class LearnCommand:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class HelpCommand:
    command: str | None = None


ClusterCommand = (
    ClusterShowCommand
    | ClusterResetCommand
    | ClusterSetCommand
    | ClusterKillCommand
    | ClusterReviveCommand
    | ClusterSlowCommand
    | ClusterWaitCommand
    | ClusterAddCommand
    | ClusterPromoteCommand
)


@dataclass(frozen=True, slots=True)
class DrillCommand:
    which: str | None = None  # a drill id, a topic, "random" or "due"; None: random
    confirm: bool = False  # replace a running drill


@dataclass(frozen=True, slots=True)
class AnswerCommand:
    text: str
    # Set by the answer form of a challenge's Answer button: answer that challenge only. Typed
    # answers leave it None and go to the challenge running in the channel, if the user is in
    # it, or else to the user's own drill.
    challenge_id: int | None = None


@dataclass(frozen=True, slots=True)
class RevealCommand:
    session_id: int | None = None  # from a button: reveal only that drill


@dataclass(frozen=True, slots=True)
class RateCommand:
    rating: str  # again | hard | good | easy
    session_id: int | None = None  # from a button: rate only that drill


@dataclass(frozen=True, slots=True)
class ProgressCommand:
    pass


@dataclass(frozen=True, slots=True)
class ForgetMeCommand:
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class SettingsCommand:
    changes: tuple[tuple[str, str], ...] = ()


DrillFlowCommand = (
    DrillCommand
    | AnswerCommand
    | RevealCommand
    | RateCommand
    | ProgressCommand
    | ForgetMeCommand
    | SettingsCommand
)


# --- team study -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeStartCommand:
    which: str | None = None  # a drill id, a topic or "random"; None: random
    duration: timedelta | None = None  # None: the drill's suggested time


@dataclass(frozen=True, slots=True)
class ChallengeJoinCommand:
    challenge_id: int | None = None  # from a button: join only that challenge


@dataclass(frozen=True, slots=True)
class ChallengeStatusCommand:
    pass


@dataclass(frozen=True, slots=True)
class ChallengeEndCommand:
    pass


@dataclass(frozen=True, slots=True)
class LeaderboardCommand:
    period: str = "week"  # "week" (the last 7 days) or "all"


@dataclass(frozen=True, slots=True)
class ScheduleShowCommand:
    pass


@dataclass(frozen=True, slots=True)
class ScheduleDailyCommand:
    at: time  # local wall-clock time
    zone: str  # an IANA time zone name, already checked
    topic: str | None = None  # a topic or drill id; None: any drill


@dataclass(frozen=True, slots=True)
class ScheduleOffCommand:
    pass


ChallengeCommand = (
    ChallengeStartCommand | ChallengeJoinCommand | ChallengeStatusCommand | ChallengeEndCommand
)
ScheduleCommand = ScheduleShowCommand | ScheduleDailyCommand | ScheduleOffCommand
TeamCommand = ChallengeCommand | LeaderboardCommand | ScheduleCommand

Command = (
    TraceCommand
    | TraceViewCommand
    | ClusterCommand
    | LearnCommand
    | HelpCommand
    | DrillFlowCommand
    | TeamCommand
)


# The commands whose answer depends on `Actor.is_admin` (a channel's schedule; ending someone
# else's challenge). A platform where finding out costs a call asks only for these.
ADMIN_GATED: tuple[type, ...] = (ScheduleDailyCommand, ScheduleOffCommand, ChallengeEndCommand)
