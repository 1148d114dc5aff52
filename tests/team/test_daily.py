"""The daily drill's next run: local wall-clock time, right across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from engine.team.daily import next_daily_run, parse_clock_time

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def runs(after: datetime, at: time, zone: ZoneInfo, count: int) -> list[datetime]:
    found = []
    for _ in range(count):
        after = next_daily_run(after, at, zone)
        found.append(after)
    return found


def test_berlin_0900_across_spring_forward_2026_03_29() -> None:
    days = runs(utc(2026, 3, 27, 12), time(9, 0), BERLIN, 4)
    assert days == [
        utc(2026, 3, 28, 8),  # CET, UTC+1
        utc(2026, 3, 29, 7),  # the clocks went forward at 02:00: CEST, UTC+2
        utc(2026, 3, 30, 7),
        utc(2026, 3, 31, 7),
    ]
    assert all(d.astimezone(BERLIN).time() == time(9, 0) for d in days)


def test_berlin_0900_across_fall_back_2026_10_25() -> None:
    days = runs(utc(2026, 10, 23, 12), time(9, 0), BERLIN, 3)
    assert days == [utc(2026, 10, 24, 7), utc(2026, 10, 25, 8), utc(2026, 10, 26, 8)]


def test_new_york_across_both_changes() -> None:
    spring = runs(utc(2026, 3, 7, 20), time(9, 0), NEW_YORK, 2)  # DST starts 8 March
    assert spring == [utc(2026, 3, 8, 13), utc(2026, 3, 9, 13)]
    assert runs(utc(2026, 3, 6, 20), time(9, 0), NEW_YORK, 1) == [utc(2026, 3, 7, 14)]
    autumn = runs(utc(2026, 10, 31, 20), time(9, 0), NEW_YORK, 2)  # DST ends 1 November
    assert autumn == [utc(2026, 11, 1, 14), utc(2026, 11, 2, 14)]


def test_a_missing_local_time_runs_just_after_the_jump() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026: fold=0 reads it with the winter offset.
    run = next_daily_run(utc(2026, 3, 28, 12), time(2, 30), BERLIN)
    assert run == utc(2026, 3, 29, 1, 30)
    assert run.astimezone(BERLIN).time() == time(3, 30)


def test_a_repeated_local_time_runs_once_at_its_first_occurrence() -> None:
    # 02:30 happens twice in Berlin on 25 October 2026: first in CEST (00:30 UTC).
    first = next_daily_run(utc(2026, 10, 24, 12), time(2, 30), BERLIN)
    assert first == utc(2026, 10, 25, 0, 30)
    assert next_daily_run(first, time(2, 30), BERLIN) == utc(2026, 10, 26, 1, 30)


def test_the_next_run_is_strictly_later_even_at_the_run_itself() -> None:
    at = utc(2026, 1, 5, 8)  # 09:00 Berlin
    assert next_daily_run(at, time(9, 0), BERLIN) == utc(2026, 1, 6, 8)
    assert next_daily_run(utc(2026, 1, 5, 7, 59), time(9, 0), BERLIN) == at


def test_near_midnight_in_a_zone_ahead_of_utc() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # 23:30 UTC on the 4th is 08:30 on the 5th in Tokyo: 09:00 Tokyo is half an hour away.
    assert next_daily_run(utc(2026, 1, 4, 23, 30), time(9, 0), tokyo) == utc(2026, 1, 5, 0)


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5))])
def test_clock_times_parse(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "9am", "", "09:00:00"])
def test_bad_clock_times_say_how_to_write_them(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock_time(text)
