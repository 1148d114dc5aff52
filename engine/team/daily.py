"""When a daily post next falls due: a local wall-clock time in a time zone, as an aware UTC
instant, right across daylight-saving changes.

The day is stepped in local dates, never by adding 24 hours, so 09:00 Berlin stays 09:00 Berlin
(08:00 UTC in winter, 07:00 UTC in summer). Around a change, a local time can be missing (the
clocks jump over it) or happen twice (they fall back over it). We take fold=0 in both cases:
for a time that happens twice, the first of the two; for a missing one, the wall time read with
the offset from before the jump, which lands as far after the jump as the time was into the
gap (02:30 on the spring-forward night in Berlin posts at 03:30 local time).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_HH_MM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def parse_clock_time(text: str) -> time:
    """`09:00`, `9:00`, `21:30`; raises ValueError with a short message."""
    match = _HH_MM.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"'{text[:20]}' is not a time of day; write it as HH:MM, like 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def local_run(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on `day` in `zone` (fold=0 for missing or repeated times)."""
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def next_daily_run(after: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first run strictly after `after` (an aware instant)."""
    day = after.astimezone(zone).date() - timedelta(days=1)
    # Yesterday's date too: near midnight a run's local date and `after`'s can differ by one.
    for offset in range(3):
        run = local_run(day + timedelta(days=offset), at, zone)
        if run > after:
            return run
    raise AssertionError("a daily time always recurs within three local days")
