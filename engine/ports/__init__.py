"""The ports the Tutor depends on: durable state, one small Protocol per aggregate (clusters,
drills, challenges, schedules, jobs) with typed values, and time. Storage and time come in
through these, so the domain stays pure and each store (SQLite, PostgreSQL, the tests' in-memory
fake) can be swapped without changing a caller."""

from engine.ports.challenges import (
    BoardRow,
    ChallengeStore,
    EntryScore,
    NewChallenge,
    StoredChallenge,
    StoredEntry,
)
from engine.ports.climbs import ClimbStore, StoredClimb
from engine.ports.clock import Clock, FixedClock, SystemClock
from engine.ports.clusters import (
    HISTORY_KEPT,
    TRACE_RING,
    ChangeNote,
    ChannelSettings,
    ClusterSave,
    ClusterStore,
    HistoryEntry,
    StoredCluster,
    StoredTrace,
)
from engine.ports.drills import (
    DrillParams,
    DrillStore,
    ReviewCard,
    StoredReview,
    StoredSession,
    UserSettings,
)
from engine.ports.exports import ExportStore, UserRecords, Wanted
from engine.ports.jobs import (
    ChallengeReveal,
    ClaimedJob,
    DailyDrill,
    DrillNudge,
    JobPayload,
    JobStore,
    NewJob,
    ReviewReminder,
    Target,
    UnreadableJob,
)
from engine.ports.keys import Board, Scope, ScopeKind, UserKey
from engine.ports.schedules import (
    FailureReason,
    PostFailure,
    ScheduleSpec,
    ScheduleStore,
    StoredSchedule,
)
from engine.ports.store import Store
from engine.ports.study import StudyStore

__all__ = [
    "HISTORY_KEPT",
    "TRACE_RING",
    "Board",
    "BoardRow",
    "ChallengeReveal",
    "ChallengeStore",
    "ChangeNote",
    "ChannelSettings",
    "ClaimedJob",
    "ClimbStore",
    "Clock",
    "ClusterSave",
    "ClusterStore",
    "DailyDrill",
    "DrillNudge",
    "DrillParams",
    "DrillStore",
    "EntryScore",
    "ExportStore",
    "FailureReason",
    "FixedClock",
    "HistoryEntry",
    "JobPayload",
    "JobStore",
    "NewChallenge",
    "NewJob",
    "PostFailure",
    "ReviewCard",
    "ReviewReminder",
    "ScheduleSpec",
    "ScheduleStore",
    "Scope",
    "ScopeKind",
    "Store",
    "StoredChallenge",
    "StoredClimb",
    "StoredCluster",
    "StoredEntry",
    "StoredReview",
    "StoredSchedule",
    "StoredSession",
    "StoredTrace",
    "StudyStore",
    "SystemClock",
    "Target",
    "UnreadableJob",
    "UserKey",
    "UserRecords",
    "UserSettings",
    "Wanted",
]
