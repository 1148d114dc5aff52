"""Every drill grouped by ladder stage, with the learner's best coverage and next review, and
the per-stage progress `/progress` shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.content.loader import Content
from engine.content.models import PathStage
from engine.progress.summary import Attempt
from engine.text.counts import count
from engine.text.dates import day_label


@dataclass(frozen=True, slots=True)
class Best:
    """A drill's best attempt so far (the earliest of equals)."""

    covered: int
    total: int
    at: datetime

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class DrillStanding:
    drill_id: str
    title: str
    difficulty: str
    attempts: int
    best: Best | None  # None: never revealed
    last_at: datetime | None
    due: datetime | None  # the next review, None when none is scheduled
    due_now: bool


@dataclass(frozen=True, slots=True)
class StageStanding:
    stage: PathStage
    drills: tuple[DrillStanding, ...]  # in ladder order

    @property
    def tried(self) -> int:
        return sum(d.best is not None for d in self.drills)

    @property
    def covered(self) -> int:
        """Checklist items covered at best, over the drills tried."""
        return sum(d.best.covered for d in self.drills if d.best)

    @property
    def items(self) -> int:
        """Checklist items of the drills tried (their best attempt's total)."""
        return sum(d.best.total for d in self.drills if d.best)

    @property
    def share(self) -> float:
        return self.covered / self.items if self.items else 0.0


@dataclass(frozen=True, slots=True)
class Catalogue:
    stages: tuple[StageStanding, ...]  # in ladder order

    def standing(self, drill_id: str) -> DrillStanding:
        return next(d for s in self.stages for d in s.drills if d.drill_id == drill_id)

    def drills(self) -> tuple[DrillStanding, ...]:
        return tuple(d for s in self.stages for d in s.drills)

    @property
    def current_stage(self) -> StageStanding:
        """The first stage with a drill not tried yet (the last one once all are tried)."""
        return next((s for s in self.stages if s.tried < len(s.drills)), self.stages[-1])


def build_catalogue(
    content: Content,
    attempts: Sequence[Attempt],
    due: Sequence[tuple[str, datetime]],
    now: datetime,
) -> Catalogue:
    """`attempts`: revealed drills (any order); `due`: (drill id, next review). Attempts and
    reviews of drills no longer in the content are left out."""
    path = content.study
    mine: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        mine.setdefault(attempt.drill_id, []).append(attempt)
    reviews = dict(due)
    stages = []
    for stage in path.stages:
        standings = tuple(
            _standing(content, drill_id, mine.get(drill_id, []), reviews.get(drill_id), now)
            for drill_id in path.stage_drills(stage.id)
        )
        stages.append(StageStanding(stage, standings))
    return Catalogue(tuple(stages))


def _standing(
    content: Content, drill_id: str, attempts: list[Attempt], due: datetime | None, now: datetime
) -> DrillStanding:
    ordered = sorted(attempts, key=lambda a: a.ended_at)
    best = None
    for attempt in ordered:
        if best is None or attempt.share > best.share:
            best = Best(attempt.covered, attempt.total, attempt.ended_at)
    return DrillStanding(
        drill_id=drill_id,
        title=content.drills[drill_id].title,
        difficulty=content.study.rungs[drill_id].difficulty,
        attempts=len(ordered),
        best=best,
        last_at=ordered[-1].ended_at if ordered else None,
        due=due,
        due_now=due is not None and due <= now,
    )


def stage_line(stage: StageStanding) -> str:
    """`/progress` per topic: "Caching: 5 drills, 2 tried; 9 of 16 items covered at best (56%)"."""
    head = f"{stage.stage.title}: {count(len(stage.drills), 'drill')}"
    if not stage.tried:
        return f"{head}, none tried yet"
    return (
        f"{head}, {stage.tried} tried; {stage.covered} of {count(stage.items, 'item')} covered "
        f"at best ({round(stage.share * 100)}%)"
    )


def drill_line(drill: DrillStanding, zone: ZoneInfo) -> str:
    """`/drill list`: "e07-cdn · Putting a CDN in front (easy) · best 5/8 · review due now"."""
    parts = [f"{drill.drill_id} · {drill.title} ({drill.difficulty})"]
    if drill.best is None:
        parts.append("not tried yet")
    else:
        parts.append(f"best {drill.best.covered}/{drill.best.total}")
    if drill.due_now:
        parts.append("review due now")
    elif drill.due is not None:
        parts.append(f"next review {day_label(drill.due.astimezone(zone).date())}")
    return " · ".join(parts)
