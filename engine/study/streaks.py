"""A streak of study days that forgives one missed day a week.

The rule, as `/progress` states it: one missed day in each week (Monday to Sunday, in your
time zone) is forgiven; a second missed day in the same week ends the streak. Today never
breaks a streak while it is still today. A forgiven day keeps the streak alive but does not
count as a day of study. Two missed days in a row that straddle a Monday fall in two weeks, so
both are forgiven: the rule is per week, exactly as stated.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from engine.text.counts import count, join_words
from engine.text.dates import day_label

FREEZE_RULE = (
    "One missed day a week (Monday to Sunday) is forgiven; a second missed day in the same "
    "week ends the streak."
)


@dataclass(frozen=True, slots=True)
class Streak:
    days: int  # days with a drill in the run
    forgiven: tuple[date, ...]  # missed days inside the run that the freeze forgave, newest first
    freeze_left: bool  # this week's forgiven day is still unused
    done_today: bool


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return (iso.year, iso.week)


def streak(days: Collection[date], today: date) -> Streak:
    """`days`: the local dates with at least one drill; `today`: the local date now."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    studied = 0
    oldest: date | None = None
    forgiven: list[date] = []
    weeks_used: set[tuple[int, int]] = set()
    while True:  # ends by the second missed day of some week
        if day in active:
            studied += 1
            oldest = day
        elif _week(day) not in weeks_used:
            weeks_used.add(_week(day))
            forgiven.append(day)
        else:
            break
        day -= timedelta(days=1)
    kept = tuple(d for d in forgiven if oldest is not None and d > oldest)
    return Streak(
        days=studied,
        forgiven=kept,
        freeze_left=all(_week(d) != _week(today) for d in kept),
        done_today=today in active,
    )


def streak_text(current: Streak) -> str:
    """ "5 days in a row (Wednesday 4 March forgiven)", or how to start one."""
    if current.days == 0:
        return "No streak running: a drill today starts one."
    head = f"{count(current.days, 'day')} of study in a row"
    if current.forgiven:
        head += f" ({join_words([day_label(d) for d in current.forgiven])} forgiven)"
    if not current.done_today:
        head += "; a drill today keeps it going"
    return head + "."
