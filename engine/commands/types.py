"""Typed commands: what the parser produces and the Tutor executes.

Every command belongs to one family, the handler that runs it: its class derives from the
family's marker, and it is a member of the family's union below. The Tutor dispatches on the
marker and each handler matches its union exhaustively (`assert_never`), so a command that no
handler runs is a mypy error, not a runtime surprise. To add a command: its dataclass here, in
its family's union; its spec in specs.py (or team_specs.py); its case in the family's handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from engine.load.query import LoadQuery
from engine.sim.request import Method


class ClusterFamily:
    """Runs on the cluster of the caller's scope, one at a time per scope (handlers/clusters)."""

    __slots__ = ()


class LessonFamily:
    """Reads the content only: lessons and help (handlers/lessons)."""

    __slots__ = ()


class DrillFamily:
    """The caller's own drills and reviews, one at a time per user (handlers/drills)."""

    __slots__ = ()


class AnswerFamily:
    """An answer: to the channel's challenge or to the caller's own drill (handlers/answers)."""

    __slots__ = ()


class UserFamily:
    """The caller's settings and everything stored about them (handlers/users)."""

    __slots__ = ()


class ChallengeFamily:
    """Team challenges in a channel and the leaderboards (handlers/challenges)."""

    __slots__ = ()


class ScheduleFamily:
    """A channel's daily drill (handlers/schedules)."""

    __slots__ = ()


class LoadFamily:
    """The scope's cluster under load: /load, /scenario, /climb (handlers/load), one at a time
    per scope, like the cluster family."""

    __slots__ = ()


class StudyFamily:
    """The study path around the drills: the ladder, hints, reviews of misses, reminders
    (handlers/study), one at a time per user."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class TraceCommand(ClusterFamily):
    method: Method
    path: str


@dataclass(frozen=True, slots=True)
class TraceViewCommand(ClusterFamily):
    """A button on a trace: show step `cursor` (0-based) of a stored trace, or all of it."""

    trace_no: int
    cursor: int | None  # None shows every step
    animate: bool = False  # every step, with the trace's animation as its picture


@dataclass(frozen=True, slots=True)
class ClusterShowCommand(ClusterFamily):
    pass


@dataclass(frozen=True, slots=True)
class ClusterResetCommand(ClusterFamily):
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterSetCommand(ClusterFamily):
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ClusterKillCommand(ClusterFamily):
    node: str
    mode: str = "process"  # process: the port refuses; host: nothing answers (connect timeout)


@dataclass(frozen=True, slots=True)
class ClusterReviveCommand(ClusterFamily):
    node: str


@dataclass(frozen=True, slots=True)
class ClusterSlowCommand(ClusterFamily):
    node: str
    ms: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterWaitCommand(ClusterFamily):
    seconds: float


@dataclass(frozen=True, slots=True)
class ClusterAddCommand(ClusterFamily):
    kind: str


@dataclass(frozen=True, slots=True)
class ClusterPromoteCommand(ClusterFamily):
    node: str


@dataclass(frozen=True, slots=True)
class ClusterHistoryCommand(ClusterFamily):
    pass


@dataclass(frozen=True, slots=True)
class ClusterUndoCommand(ClusterFamily):
    pass


@dataclass(frozen=True, slots=True)
class LearnCommand(LessonFamily):
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class HelpCommand(LessonFamily):
    command: str | None = None
    subcommand: str | None = None  # `/help cluster kill`


@dataclass(frozen=True, slots=True)
class DrillCommand(DrillFamily):
    which: str | None = None  # a drill id, a topic, "random" or "due"; None: the recommended one
    confirm: bool = False  # replace a running drill


@dataclass(frozen=True, slots=True)
class AnswerCommand(AnswerFamily):
    text: str
    # Set by the answer form of a challenge's Answer button: answer that challenge only. Typed
    # answers leave it None and go to the challenge running in the channel, if the user is in
    # it, or else to the user's own drill.
    challenge_id: int | None = None


@dataclass(frozen=True, slots=True)
class RevealCommand(DrillFamily):
    session_id: int | None = None  # from a button: reveal only that drill


@dataclass(frozen=True, slots=True)
class RateCommand(DrillFamily):
    rating: str | None  # again | hard | good | easy; None takes the rating the reveal suggested
    session_id: int | None = None  # from a button: rate only that drill
    confirm: bool = False  # a rating well above what the sketch covered, meant all the same


@dataclass(frozen=True, slots=True)
class ProgressCommand(DrillFamily):
    pass


@dataclass(frozen=True, slots=True)
class ForgetMeCommand(UserFamily):
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class ExportCommand(UserFamily):
    pass


@dataclass(frozen=True, slots=True)
class SettingsCommand(UserFamily):
    changes: tuple[tuple[str, str], ...] = ()


# --- team study -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeStartCommand(ChallengeFamily):
    which: str | None = None  # a drill id, a topic or "random"; None: random
    duration: timedelta | None = None  # None: the drill's suggested time


@dataclass(frozen=True, slots=True)
class ChallengeJoinCommand(ChallengeFamily):
    challenge_id: int | None = None  # from a button: join only that challenge


@dataclass(frozen=True, slots=True)
class ChallengeStatusCommand(ChallengeFamily):
    pass


@dataclass(frozen=True, slots=True)
class ChallengeEndCommand(ChallengeFamily):
    pass


@dataclass(frozen=True, slots=True)
class LeaderboardCommand(ChallengeFamily):
    period: str = "week"  # "day", "week" (since Monday), "month" or "all", in the caller's zone


@dataclass(frozen=True, slots=True)
class ScheduleShowCommand(ScheduleFamily):
    pass


@dataclass(frozen=True, slots=True)
class ScheduleDailyCommand(ScheduleFamily):
    at: time  # local wall-clock time
    zone: str  # an IANA time zone name, already checked
    topic: str | None = None  # a topic or drill id; None: any drill


@dataclass(frozen=True, slots=True)
class ScheduleOffCommand(ScheduleFamily):
    pass


@dataclass(frozen=True, slots=True)
class ScheduleSkipCommand(ScheduleFamily):
    """No daily post tomorrow; the one after comes as usual."""


# --- the study path ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathCommand(StudyFamily):
    """`/drill list` and `/path`: every drill in ladder order, with the caller's standing."""


@dataclass(frozen=True, slots=True)
class HintCommand(StudyFamily):
    """The next nudge for the running drill."""


@dataclass(frozen=True, slots=True)
class ReviewMissesCommand(StudyFamily):
    action: str = "misses"  # misses: start, or show the item being asked; skip; stop


@dataclass(frozen=True, slots=True)
class ReminderButtonCommand(StudyFamily):
    """A button of a review reminder; it acts only for the user it was sent to."""

    action: str  # "review", "snooze" or "stop"
    workspace: str  # the reminder's: its reviews are that workspace's
    user_id: str


# --- under load -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadCommand(LoadFamily):
    query: LoadQuery


@dataclass(frozen=True, slots=True)
class ScenarioCommand(LoadFamily):
    name: str | None = None  # None lists them


@dataclass(frozen=True, slots=True)
class UnderLoadCommand(LoadFamily):
    """A reveal's "see it under load" button: the follow-up of one of the caller's drills."""

    session_id: int


@dataclass(frozen=True, slots=True)
class ClimbShowCommand(LoadFamily):
    pass


@dataclass(frozen=True, slots=True)
class ClimbStartCommand(LoadFamily):
    reads: tuple[int, int] | None = None  # None: the ladder's default mix


@dataclass(frozen=True, slots=True)
class ClimbPickCommand(LoadFamily):
    rung: str
    game: int | None = None  # from a button: act only on that game, at that turn
    turn: int | None = None


@dataclass(frozen=True, slots=True)
class ClimbRaiseCommand(LoadFamily):
    game: int | None = None
    turn: int | None = None


@dataclass(frozen=True, slots=True)
class ClimbEndCommand(LoadFamily):
    pass


# The /cluster subcommands that change the cluster (each but `wait` is kept in its history).
ClusterChangeCommand = (
    ClusterResetCommand
    | ClusterSetCommand
    | ClusterKillCommand
    | ClusterReviveCommand
    | ClusterSlowCommand
    | ClusterWaitCommand
    | ClusterAddCommand
    | ClusterPromoteCommand
)
ClusterCommand = (
    TraceCommand
    | TraceViewCommand
    | ClusterShowCommand
    | ClusterChangeCommand
    | ClusterHistoryCommand
    | ClusterUndoCommand
)
LessonCommand = LearnCommand | HelpCommand
DrillFlowCommand = DrillCommand | RevealCommand | RateCommand | ProgressCommand
UserCommand = SettingsCommand | ForgetMeCommand | ExportCommand
ChallengeCommand = (
    ChallengeStartCommand
    | ChallengeJoinCommand
    | ChallengeStatusCommand
    | ChallengeEndCommand
    | LeaderboardCommand
)
ScheduleCommand = (
    ScheduleShowCommand | ScheduleDailyCommand | ScheduleOffCommand | ScheduleSkipCommand
)
StudyCommand = PathCommand | HintCommand | ReviewMissesCommand | ReminderButtonCommand
LoadFamilyCommand = (
    LoadCommand
    | ScenarioCommand
    | UnderLoadCommand
    | ClimbShowCommand
    | ClimbStartCommand
    | ClimbPickCommand
    | ClimbRaiseCommand
    | ClimbEndCommand
)


@dataclass(frozen=True, slots=True)
class ActingForCommand:
    """A button or form that acts for one learner in the workspace it came from, wherever it is
    pressed: the buttons of a drill that a reminder's "review now" started in a Discord direct
    message, which is outside the server whose reviews it is about. It acts only for that
    learner (anybody else is refused), and the buttons of its reply act for them too."""

    workspace: str
    user_id: str
    inner: Command


Command = (
    ActingForCommand
    | ClusterCommand
    | LessonCommand
    | DrillFlowCommand
    | AnswerCommand
    | UserCommand
    | ChallengeCommand
    | ScheduleCommand
    | LoadFamilyCommand
    | StudyCommand
)
