"""Summarise a user's ended drills and review schedule; pure, given the time and time zone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Attempt:
    drill_id: str
    ended_at: datetime
    covered: int
    total: int
    missed: tuple[str, ...]  # checklist item ids

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    recent: tuple[Attempt, ...]  # newest first
    trend: str  # "up", "down", "steady" or "" (too few attempts to say)
    streak_days: int
    study_list: tuple[tuple[str, int], ...]  # (item id, times missed), most missed first
    due_now: tuple[str, ...]  # drill ids whose review is due, most overdue first
    next_due: datetime | None  # the next review that is not due yet


RECENT = 10
STUDY_LIST = 6


def summarise(
    attempts: Sequence[Attempt], due: Sequence[tuple[str, datetime]], now: datetime, zone: ZoneInfo
) -> Progress:
    """`attempts`: revealed drills, newest first; `due`: (drill id, due), soonest first."""
    return Progress(
        done=len(attempts),
        recent=tuple(attempts[:RECENT]),
        trend=_trend(attempts),
        streak_days=_streak(
            {a.ended_at.astimezone(zone).date() for a in attempts}, now.astimezone(zone).date()
        ),
        study_list=_study_list(attempts),
        due_now=tuple(drill for drill, when in due if when <= now),
        next_due=next((when for _, when in due if when > now), None),
    )


def _trend(attempts: Sequence[Attempt]) -> str:
    """Mean coverage of the last three attempts against the three before them."""
    if len(attempts) < 4:
        return ""
    latest = [a.share for a in attempts[:3]]
    before = [a.share for a in attempts[3:6]]
    delta = sum(latest) / len(latest) - sum(before) / len(before)
    if delta > 0.05:
        return "up"
    if delta < -0.05:
        return "down"
    return "steady"


def _streak(days: set[date], today: date) -> int:
    """Consecutive days with a drill, ending today (or yesterday, if today has none yet)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _study_list(attempts: Sequence[Attempt]) -> tuple[tuple[str, int], ...]:
    """Items missed most often; ties go to the one missed most recently."""
    counts: Counter[str] = Counter()
    latest: dict[str, int] = {}
    for position, attempt in enumerate(attempts):  # newest first
        for item in attempt.missed:
            counts[item] += 1
            latest.setdefault(item, position)
    ranked = sorted(counts, key=lambda item: (-counts[item], latest[item]))
    return tuple((item, counts[item]) for item in ranked[:STUDY_LIST])
