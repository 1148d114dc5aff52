"""Dates and times in plain English, the same in every locale ("Tuesday 3 March")."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_label(day: date) -> str:
    """ "Tuesday 3 March"."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def month_label(day: date) -> str:
    """ "March 2026"."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def local_label(instant: datetime, zone: ZoneInfo) -> str:
    """ "Tuesday 3 March at 08:30 Europe/Berlin": when an instant falls, in a person's zone."""
    local = instant.astimezone(zone)
    return f"{day_label(local.date())} at {local:%H:%M} {zone.key}"
