"""Reminder rules: at most one a local day, only when something is due, snooze a day, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from engine.study.reminders import (
    ReminderSetting,
    ReminderState,
    decide,
    next_reminder,
    parse_reminders,
    reminder_text,
    setting_text,
    snooze,
    snooze_text,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EIGHT = ReminderSetting(time(8, 0))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_setting_as_typed() -> None:
    assert parse_reminders("daily 08:30") == ReminderSetting(time(8, 30))
    assert parse_reminders("DAILY@8:30") == ReminderSetting(time(8, 30))
    assert parse_reminders("07:05") == ReminderSetting(time(7, 5))
    assert parse_reminders("off") is None
    assert ReminderSetting(time(7, 5)).text == "daily 07:05"
    for bad in ("daily 25:00", "weekly 08:30", "daily", "8"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_reminders(bad)
    assert setting_text(EIGHT, BERLIN) == "daily at 08:00 Europe/Berlin, only when a review is due"
    assert setting_text(None, BERLIN) == "off"


def test_one_a_day_at_local_time_across_berlins_spring_change() -> None:
    due = utc(2026, 3, 20)
    sent = ReminderState(last_sent=utc(2026, 3, 28, 7, 0))  # 08:00 CET
    first = next_reminder(EIGHT, BERLIN, sent, due, utc(2026, 3, 28, 7, 0))
    assert first == utc(2026, 3, 29, 6, 0)  # 08:00 CEST: the clocks went forward overnight
    after = next_reminder(EIGHT, BERLIN, ReminderState(last_sent=first), due, first)
    assert after == utc(2026, 3, 30, 6, 0)


def test_a_time_the_clocks_skip_lands_just_after_the_jump() -> None:
    setting = ReminderSetting(time(2, 30))
    slot = next_reminder(setting, BERLIN, ReminderState(), utc(2026, 3, 1), utc(2026, 3, 28, 12))
    assert slot == utc(2026, 3, 29, 1, 30)  # 03:30 CEST, as far past the jump as 02:30 was into it


def test_a_time_that_happens_twice_sends_once_in_new_york() -> None:
    setting = ReminderSetting(time(1, 30))
    due = utc(2026, 10, 1)
    first = next_reminder(setting, NEW_YORK, ReminderState(), due, utc(2026, 10, 31, 12))
    assert first == utc(2026, 11, 1, 5, 30)  # the first 01:30 (EDT)
    # The second 01:30 (EST, an hour later) is the same local day: no second reminder.
    second_one_thirty = utc(2026, 11, 1, 6, 30)
    state = ReminderState(last_sent=first)
    assert decide(second_one_thirty, second_one_thirty, setting, NEW_YORK, state, due).send is False
    following = next_reminder(setting, NEW_YORK, state, due, first)
    assert following == utc(2026, 11, 2, 6, 30)  # 01:30 EST


def test_only_when_a_review_is_due_by_then() -> None:
    now = utc(2026, 3, 2, 6, 0)  # Monday, 07:00 in Berlin
    due_at_ten = utc(2026, 3, 2, 9, 0)  # due at 10:00 Berlin, after Monday's 08:00
    assert next_reminder(EIGHT, BERLIN, ReminderState(), due_at_ten, now) == utc(2026, 3, 3, 7)
    assert next_reminder(EIGHT, BERLIN, ReminderState(), utc(2026, 3, 1), now) == utc(2026, 3, 2, 7)
    assert next_reminder(EIGHT, BERLIN, ReminderState(), None, now) is None


def test_a_reminder_job_decides_at_run_time() -> None:
    slot = utc(2026, 3, 2, 7, 0)  # Monday 08:00 Berlin
    due = utc(2026, 3, 1)
    sent = decide(slot, slot, EIGHT, BERLIN, ReminderState(), due)
    assert (sent.send, sent.why, sent.next_at) == (True, "sent", utc(2026, 3, 3, 7))
    late_same_day = decide(slot, utc(2026, 3, 2, 20), EIGHT, BERLIN, ReminderState(), due)
    assert late_same_day.send is True
    stale = decide(slot, utc(2026, 3, 3, 5), EIGHT, BERLIN, ReminderState(), due)
    assert (stale.send, stale.why, stale.next_at) == (False, "stale", utc(2026, 3, 3, 7))
    nothing = decide(slot, slot, EIGHT, BERLIN, ReminderState(), utc(2026, 3, 5))
    assert (nothing.send, nothing.why, nothing.next_at) == (
        False,
        "nothing due",
        utc(2026, 3, 5, 7),
    )
    twice = decide(slot, slot, EIGHT, BERLIN, ReminderState(last_sent=utc(2026, 3, 2, 6)), due)
    assert (twice.send, twice.why) == (False, "already sent today")
    off = decide(slot, slot, None, BERLIN, ReminderState(), due)
    assert (off.send, off.next_at) == (False, None)


def test_snooze_a_day_moves_the_next_reminder_one_day_later() -> None:
    due = utc(2026, 3, 1)
    monday_eight = utc(2026, 3, 2, 7, 0)
    after_monday = ReminderState(last_sent=monday_eight)
    snoozed = snooze(EIGHT, BERLIN, after_monday, due, utc(2026, 3, 2, 7, 5))
    assert snoozed.snoozed_through == date(2026, 3, 3)  # Tuesday's is skipped
    assert next_reminder(EIGHT, BERLIN, snoozed, due, monday_eight) == utc(2026, 3, 4, 7)
    tuesday = decide(utc(2026, 3, 3, 7), utc(2026, 3, 3, 7), EIGHT, BERLIN, snoozed, due)
    assert (tuesday.send, tuesday.why) == (False, "snoozed")
    # Pressed before Monday's reminder went out: Monday's is the one skipped.
    early = snooze(EIGHT, BERLIN, ReminderState(), due, utc(2026, 3, 2, 5, 0))
    assert early.snoozed_through == date(2026, 3, 2)
    assert snooze_text(snoozed, utc(2026, 3, 4, 7), BERLIN) == (
        "Snoozed: no reminder on Tuesday 3 March. The next one comes on Wednesday 4 March at "
        "08:00 Europe/Berlin, if reviews are still due."
    )
    nothing_due = snooze(EIGHT, BERLIN, ReminderState(), None, utc(2026, 3, 2, 5, 0))
    assert nothing_due.snoozed_through == date(2026, 3, 3)
    assert snooze_text(nothing_due, None, BERLIN).endswith("once a review is due.")


def test_the_message_names_drills_and_never_a_person() -> None:
    assert reminder_text(["Cache stampede"]) == (
        "1 review is due: Cache stampede. Turn these off with /settings reminders=off."
    )
    text = reminder_text(
        ["Cache stampede", "Scale the reads", "Rate limiting", "Going multi-region"]
    )
    assert text.startswith("4 reviews are due: Cache stampede, Scale the reads and 2 more drills.")
    assert "@" not in text
    assert "<" not in text
