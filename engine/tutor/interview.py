"""FSRS with a deadline, wired to the store: after `/settings interview=` and after each rating,
pull in the reviews that would fall on or after the interview (engine/study/deadline.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from engine.ports import DrillStore, UserKey
from engine.study.deadline import Moved, ScheduledReview, plan_for_interview


async def aim_reviews(
    drills: DrillStore, user: UserKey, interview: date, now: datetime, zone: ZoneInfo
) -> tuple[Moved, ...]:
    """Move the reviews the plan moves, in one transaction; the moves made."""
    reviews = await drills.reviews(user)
    scheduled = [ScheduledReview(r.drill_id, r.card, r.due) for r in reviews]
    moved = plan_for_interview(scheduled, interview, now, zone)
    await drills.move_reviews(user, [(m.drill_id, m.card) for m in moved])
    return moved
