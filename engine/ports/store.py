"""`Store`: every port of durable state together, as one database provides them.

Only the wiring (bot/runtime.py, the Tutor's constructor) needs the whole; each handler takes
the ports it uses, so a fake or a new store can be written one aggregate at a time.
"""

from __future__ import annotations

from typing import Protocol

from engine.ports.challenges import ChallengeStore
from engine.ports.climbs import ClimbStore
from engine.ports.clusters import ClusterStore
from engine.ports.drills import DrillStore
from engine.ports.exports import ExportStore
from engine.ports.jobs import JobStore
from engine.ports.requests import RequestStore
from engine.ports.schedules import ScheduleStore
from engine.ports.study import StudyStore


class Store(
    ClusterStore,
    DrillStore,
    ChallengeStore,
    ScheduleStore,
    JobStore,
    ClimbStore,
    StudyStore,
    RequestStore,
    ExportStore,
    Protocol,
):
    """Durable state. Each method is one transaction; no SQL dialect leaks through."""

    async def ping(self) -> None:
        """One round trip to the database, raising if it does not answer: for readiness."""
        ...

    async def close(self) -> None: ...
