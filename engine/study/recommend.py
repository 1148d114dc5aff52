"""The next drill to do, never at random, with the one sentence that says why.

The rules, in order (the first that applies wins):
1. a review is due: the due drill you covered least last time (then the most overdue);
2. a drill you covered less than half of last time, on an earlier day, with no review booked
   for later: the weakest of those, so a broken rung is repaired before you climb on;
3. the first drill, in ladder order, that you have not tried;
4. everything tried: the drill whose gaps from last time hold your most-missed items (then the
   one done longest ago), avoiding today's drills when another will do.
Ties always go to ladder order, so the same inputs give the same drill.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from engine.content.loader import Content
from engine.progress.summary import Attempt
from engine.text.counts import count
from engine.text.dates import day_label

WEAK = 0.5  # below this share covered, a drill is repaired before the ladder goes on


class Reason(StrEnum):
    DUE = "due"
    WEAK = "weak"
    NEXT_RUNG = "next-rung"
    MOST_MISSED = "most-missed"
    OLDEST = "oldest"


@dataclass(frozen=True, slots=True)
class Recommendation:
    drill_id: str
    reason: Reason
    why: str  # one sentence, shown with the drill


def recommend(
    content: Content,
    attempts: Sequence[Attempt],
    due: Sequence[tuple[str, datetime]],
    now: datetime,
    zone: ZoneInfo,
) -> Recommendation:
    """`attempts`: revealed drills, any order; `due`: (drill id, next review)."""
    ladder = content.study.ladder()
    latest = _latest(attempts, set(ladder))
    reviews = {drill: when for drill, when in due if drill in content.drills}
    today = now.astimezone(zone).date()
    return (
        _due(content, latest, reviews, now, zone)
        or _weak(content, latest, reviews, now, zone)
        or _next_rung(content, latest)
        or _most_missed(content, attempts, latest, today, zone)
    )


def _latest(attempts: Sequence[Attempt], known: set[str]) -> dict[str, Attempt]:
    latest: dict[str, Attempt] = {}
    for attempt in sorted(attempts, key=lambda a: a.ended_at):
        if attempt.drill_id in known:
            latest[attempt.drill_id] = attempt
    return latest


def _order(content: Content, drill_id: str) -> int:
    return content.study.rungs[drill_id].order


def _due(
    content: Content,
    latest: dict[str, Attempt],
    reviews: dict[str, datetime],
    now: datetime,
    zone: ZoneInfo,
) -> Recommendation | None:
    due_now = [d for d, when in reviews.items() if when <= now]
    if not due_now:
        return None

    def weakness(drill_id: str) -> tuple[float, datetime, int]:
        last = latest.get(drill_id)
        return (last.share if last else 0.0, reviews[drill_id], _order(content, drill_id))

    pick = min(due_now, key=weakness)
    since = day_label(reviews[pick].astimezone(zone).date())
    last = latest.get(pick)
    tail = f", and last time you covered {last.covered} of {last.total} items" if last else ""
    return Recommendation(pick, Reason.DUE, f"Its review is due (since {since}){tail}.")


def _weak(
    content: Content,
    latest: dict[str, Attempt],
    reviews: dict[str, datetime],
    now: datetime,
    zone: ZoneInfo,
) -> Recommendation | None:
    today = now.astimezone(zone).date()
    weak = [
        a
        for a in latest.values()
        if a.share < WEAK
        and a.ended_at.astimezone(zone).date() < today
        and a.drill_id not in reviews
    ]
    if not weak:
        return None
    pick = min(weak, key=lambda a: (a.share, _order(content, a.drill_id)))
    on = day_label(pick.ended_at.astimezone(zone).date())
    return Recommendation(
        pick.drill_id,
        Reason.WEAK,
        f"On {on} you covered {pick.covered} of {pick.total} items here, so this rung needs "
        "another go before you climb on.",
    )


def _next_rung(content: Content, latest: dict[str, Attempt]) -> Recommendation | None:
    path = content.study
    untried = next((d for d in path.ladder() if d not in latest), None)
    if untried is None:
        return None
    stage = path.stage(path.rungs[untried].stage_id)
    if not latest:
        why = f"It is the first rung of the ladder: {stage.title}."
    elif path.stage_drills(stage.id)[0] == untried:
        why = f"It is the next rung of the ladder: the first drill of {stage.title}."
    else:
        why = f"It is the next rung of the ladder: the next drill of {stage.title} to try."
    return Recommendation(untried, Reason.NEXT_RUNG, why)


def _most_missed(
    content: Content,
    attempts: Sequence[Attempt],
    latest: dict[str, Attempt],
    today: date,
    zone: ZoneInfo,
) -> Recommendation:
    missed = Counter(
        (a.drill_id, item) for a in attempts if a.drill_id in latest for item in a.missed
    )

    def weight(drill_id: str) -> int:
        return sum(missed[(drill_id, item)] for item in latest[drill_id].missed)

    earlier = [d for d in latest if latest[d].ended_at.astimezone(zone).date() < today]
    candidates = earlier or list(latest)
    pick = min(candidates, key=lambda d: (-weight(d), latest[d].ended_at, _order(content, d)))
    if weight(pick) == 0:
        on = day_label(latest[pick].ended_at.astimezone(zone).date())
        some_today = bool(earlier) and len(earlier) < len(latest)
        scope = "Apart from today's drills, none" if some_today else "No drill"
        return Recommendation(
            pick,
            Reason.OLDEST,
            f"{scope} has gaps left from last time, so here is the one you did longest ago ({on}).",
        )
    gaps = latest[pick].missed
    top = max(gaps, key=lambda item: (missed[(pick, item)], -gaps.index(item)))
    return Recommendation(
        pick,
        Reason.MOST_MISSED,
        f"It holds the items you miss most, such as “{_label(content, pick, top)}” (missed "
        f"{count(missed[(pick, top)], 'time')}).",
    )


def _label(content: Content, drill_id: str, item_id: str) -> str:
    drill = content.drills[drill_id]
    return next((i.label for i in drill.checklist if i.id == item_id), item_id)
