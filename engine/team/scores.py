"""A challenge's result: each participant's coverage, the team's combined coverage, the items
nobody covered, and the points.

Points are simple on purpose, so the reply can explain them in one line: one point per
checklist item you covered, one off for each item your answer contradicted and each trap it
fell into (never below zero), and a bonus for the best of those when at least two people
answered (ties share it). They come from the same verdicts as the reveal, so a list of the
right words, which covers nothing, scores nothing. Nothing for speed: a design drill rewards
thinking, not typing fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine.ports import UserKey

BEST_BONUS = 2
POINTS_RULE = (
    "Points: 1 for each item you covered, -1 for each item you contradicted and each trap "
    f"(never below 0), +{BEST_BONUS} for the best score (when two or more answered)."
)


@dataclass(frozen=True, slots=True)
class Participant:
    user: UserKey
    display_name: str
    covered: frozenset[str]  # checklist item ids this participant's answer covered
    answered: bool  # wrote anything at all
    contradicted: frozenset[str] = frozenset()  # item ids the answer said the opposite of
    traps: int = 0  # traps the answer fell into
    bare_list: bool = False  # mostly a list of terms


@dataclass(frozen=True, slots=True)
class Standing:
    user: UserKey
    display_name: str
    covered: int
    total: int
    points: int
    best: bool
    answered: bool
    contradicted: int = 0
    traps: int = 0
    bare_list: bool = False


@dataclass(frozen=True, slots=True)
class TeamResult:
    standings: tuple[Standing, ...]  # highest points first, then in the order they joined
    covered_by: Mapping[str, tuple[str, ...]]  # item id -> display names, in joining order
    together: int  # items at least one participant covered
    total: int
    nobody: tuple[str, ...]  # item ids nobody covered, in checklist order
    # item id -> display names of those whose answer said the opposite, in joining order
    contradicted_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def team_result(items: Sequence[str], participants: Sequence[Participant]) -> TeamResult:
    """Combine the participants' verdicts on a checklist (item ids in checklist order)."""
    total = len(items)
    known = set(items)
    covered_by = {
        item: tuple(p.display_name for p in participants if item in p.covered) for item in items
    }
    counts = [len(p.covered & known) for p in participants]
    wrong = [len(p.contradicted & known) for p in participants]
    nets = [max(0, n - w - p.traps) for p, n, w in zip(participants, counts, wrong, strict=True)]
    answered = sum(p.answered for p in participants)
    top = max(nets, default=0)
    bonus_for_top = answered >= 2 and top > 0
    standings = [
        Standing(
            p.user,
            p.display_name,
            n,
            total,
            net + (BEST_BONUS if bonus_for_top and net == top else 0),
            bonus_for_top and net == top,
            p.answered,
            w,
            p.traps,
            p.bare_list,
        )
        for p, n, w, net in zip(participants, counts, wrong, nets, strict=True)
    ]
    standings.sort(key=lambda s: -s.points)  # stable: ties keep the joining order
    nobody = tuple(item for item in items if not covered_by[item])
    contradicted_by = {
        item: tuple(p.display_name for p in participants if item in p.contradicted)
        for item in items
    }
    together = total - len(nobody)
    return TeamResult(tuple(standings), covered_by, together, total, nobody, contradicted_by)
