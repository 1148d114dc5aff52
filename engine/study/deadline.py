"""FSRS with a deadline: `/settings interview=YYYY-MM-DD` makes every drill with a review card
come round again before that date.

FSRS (engine/drills/reviews.py, unchanged) keeps choosing the intervals; this only pulls in the
reviews that would fall on or after the interview day. They land as late as possible before it,
so the memory is fresh on the day: working back from the day before the interview, at most
PER_DAY reviews a day (more only when there are too few days left), the review FSRS wanted
latest on the latest day. A drill is never booked for the day it was last reviewed on, so a
review done on the final day counts as the one before the interview. Dates are local days in
the learner's time zone; a moved review falls due at the start of its day.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.ports import ReviewCard
from engine.team.daily import local_run
from engine.text.counts import count
from engine.text.dates import day_label

PER_DAY = 3
MAX_AHEAD_DAYS = 730
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class ScheduledReview:
    drill_id: str
    card: ReviewCard  # the FSRS card, as the drill port holds it
    due: datetime


@dataclass(frozen=True, slots=True)
class Moved:
    drill_id: str
    was: datetime
    due: datetime
    card: ReviewCard  # the card with its due date moved too


def parse_interview(text: str, today: date) -> date | None:
    """`2026-03-14` (a day after `today`, at most two years ahead) or `off` (None)."""
    typed = text.strip().lower()
    if typed in ("off", "none"):
        return None
    match = _ISO_DATE.fullmatch(typed)
    if match is None:
        raise ValueError(f"'{text[:20]}' is not a date; write it as YYYY-MM-DD, or off")
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"{typed} is not a day of the calendar") from None
    if day <= today:
        raise ValueError(f"{day.isoformat()} is not after today ({today.isoformat()})")
    if (day - today).days > MAX_AHEAD_DAYS:
        raise ValueError("give an interview date at most two years ahead")
    return day


def plan_for_interview(
    reviews: Sequence[ScheduledReview],
    interview: date,
    now: datetime,
    zone: ZoneInfo,
    per_day: int = PER_DAY,
) -> tuple[Moved, ...]:
    """The reviews to move so every drill is seen again before `interview`, in input order.

    `reviews`: every review card of the learner. Run it when the interview date is set and
    again after each rating (over all the cards, the new one included): over its own result it
    moves nothing."""
    today = now.astimezone(zone).date()
    last_day = interview - timedelta(days=1)
    cutoff = local_run(interview, time.min, zone)
    if last_day < today:
        return ()
    days = [today + timedelta(days=n) for n in range((last_day - today).days + 1)]
    load, late = _split(reviews, days, cutoff, zone)
    cap = max(per_day, math.ceil((len(late) + sum(load.values())) / len(days)))
    allowed = {id(r): _days_after_last_review(r.card, days, zone) for r in late}
    # Reviews whose last review falls inside the window have fewer days open to them: place
    # those first; otherwise the one FSRS wanted latest takes the latest day.
    ranked = sorted(late, key=lambda r: (-len(allowed[id(r)]), r.due, r.drill_id), reverse=True)
    moved = []
    for review in ranked:
        open_days = allowed[id(review)]
        if not open_days:
            continue  # reviewed on the last day already: that was its review before the day
        free = [d for d in open_days if load[d] < cap]
        day = (free or open_days)[-1]  # over the cap only when its open days are all full
        load[day] += 1
        due = max(local_run(day, time.min, zone), now)  # today's falls due at once
        moved.append(Moved(review.drill_id, review.due, due, with_due(review.card, due)))
    order = {review.drill_id: i for i, review in enumerate(reviews)}
    return tuple(sorted(moved, key=lambda m: order[m.drill_id]))


def _split(
    reviews: Sequence[ScheduledReview], days: list[date], cutoff: datetime, zone: ZoneInfo
) -> tuple[dict[date, int], list[ScheduledReview]]:
    """Reviews a day already holds (an overdue one counts on the first day), and the late ones."""
    load = dict.fromkeys(days, 0)
    late = []
    for review in reviews:
        if review.due < cutoff:
            load[max(review.due.astimezone(zone).date(), days[0])] += 1
        else:
            late.append(review)
    return load, late


def with_due(card: ReviewCard, due: datetime) -> ReviewCard:
    """The card with its due date replaced (FSRS reads intervals from the last review)."""
    return replace(card, due=due.astimezone(UTC))


def plan_sentence(moved: Sequence[Moved], interview: date, unseen: int) -> str:
    """What `/settings interview=` says it did."""
    head = f"Interview on {day_label(interview)}: "
    if moved:
        head += f"{count(len(moved), 'review')} moved earlier so every drill you have rated "
        head += "comes round again before then."
    else:
        head += "every drill you have rated already comes round again before then."
    if unseen:
        head += f" {count(unseen, 'drill')} you have not tried yet: /drill list shows them."
    return head


def _days_after_last_review(card: ReviewCard, days: list[date], zone: ZoneInfo) -> list[date]:
    """The window's days after the card's last review: never twice on one day."""
    last = card.last_review
    if last is None:
        return days
    reviewed_on = last.astimezone(zone).date()
    return [d for d in days if d > reviewed_on]
