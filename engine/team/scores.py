"""A challenge's result: each participant's coverage, the team's combined coverage, the items
nobody covered, and the points.

Points are simple on purpose, so the reply can explain them in one line: one point per
checklist item you covered, and a bonus for the best coverage when at least two people answered
(ties share it). Nothing for speed: a design drill rewards thinking, not typing fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.ports import UserKey

BEST_BONUS = 2
POINTS_RULE = (
    f"Points: 1 for each item you covered, +{BEST_BONUS} for the best coverage "
    "(when two or more answered)."
)


@dataclass(frozen=True, slots=True)
class Participant:
    user: UserKey
    display_name: str
    covered: frozenset[str]  # checklist item ids this participant's answer covered
    answered: bool  # wrote anything at all


@dataclass(frozen=True, slots=True)
class Standing:
    user: UserKey
    display_name: str
    covered: int
    total: int
    points: int
    best: bool
    answered: bool


@dataclass(frozen=True, slots=True)
class TeamResult:
    standings: tuple[Standing, ...]  # highest points first, then in the order they joined
    covered_by: Mapping[str, tuple[str, ...]]  # item id -> display names, in joining order
    together: int  # items at least one participant covered
    total: int
    nobody: tuple[str, ...]  # item ids nobody covered, in checklist order


def team_result(items: Sequence[str], participants: Sequence[Participant]) -> TeamResult:
    """Combine the participants' coverage of a checklist (item ids in checklist order)."""
    total = len(items)
    covered_by = {
        item: tuple(p.display_name for p in participants if item in p.covered) for item in items
    }
    counts = [len(p.covered & set(items)) for p in participants]
    answered = sum(p.answered for p in participants)
    top = max(counts, default=0)
    bonus_for_top = answered >= 2 and top > 0
    standings = [
        Standing(
            p.user,
            p.display_name,
            n,
            total,
            n + (BEST_BONUS if bonus_for_top and n == top else 0),
            bonus_for_top and n == top,
            p.answered,
        )
        for p, n in zip(participants, counts, strict=True)
    ]
    standings.sort(key=lambda s: -s.points)  # stable: ties keep the joining order
    nobody = tuple(item for item in items if not covered_by[item])
    return TeamResult(tuple(standings), covered_by, total - len(nobody), total, nobody)
