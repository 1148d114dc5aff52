"""Leaderboard periods: today, this week (from Monday), this month, all time, each in a time
zone, as the instants the store's `since` bound needs and a label for the heading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import assert_never
from zoneinfo import ZoneInfo

from engine.team.daily import local_run
from engine.text.dates import day_label, month_label


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


ALIASES = {"today": Period.DAY, "all-time": Period.ALL, "alltime": Period.ALL}


@dataclass(frozen=True, slots=True)
class PeriodBounds:
    period: Period
    start: datetime | None  # None for all time
    end: datetime | None  # when the period rolls over; None for all time
    label: str  # "this week (since Monday 2 March)"


def parse_period(text: str | None) -> Period:
    """`day`/`today`, `week` (the default), `month`, `all`; ValueError otherwise."""
    typed = (text or "week").strip().lower()
    if typed in ALIASES:
        return ALIASES[typed]
    try:
        return Period(typed)
    except ValueError:
        raise ValueError(f"'{typed[:20]}' is not a period; use day, week, month or all") from None


def bounds(period: Period, now: datetime, zone: ZoneInfo) -> PeriodBounds:
    """The period containing `now`, with local midnights found across daylight-saving changes
    (a midnight the clocks skip starts the day at the first instant that exists)."""
    today = now.astimezone(zone).date()
    match period:
        case Period.DAY:
            first, after, label = today, today + timedelta(days=1), f"today ({day_label(today)})"
        case Period.WEEK:
            first = today - timedelta(days=today.weekday())
            after, label = first + timedelta(days=7), f"this week (since {day_label(first)})"
        case Period.MONTH:
            first = today.replace(day=1)
            after = (first + timedelta(days=32)).replace(day=1)
            label = f"this month ({month_label(today)})"
        case Period.ALL:
            return PeriodBounds(period, None, None, "all time")
        case _:
            assert_never(period)
    return PeriodBounds(period, _midnight(first, zone), _midnight(after, zone), label)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return local_run(day, time.min, zone)
