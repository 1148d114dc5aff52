"""`/settings interview=YYYY-MM-DD` through the Tutor on a real SQLite file: the reviews FSRS
would book on or after the day are pulled in before it, now and after every later rating."""

from __future__ import annotations

from datetime import UTC, date, datetime

from study_helpers import text

from engine.commands.specs import BY_NAME, usage_line
from engine.ports import FixedClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")
INTERVIEW = date(2026, 12, 4)  # six days after the fixed clock's Saturday 28 November
CUTOFF = datetime(2026, 12, 4, tzinfo=UTC)


async def rated(tutor: Tutor, drill: str, rating: str) -> str:
    await tutor.handle_text(ALICE, f"/drill {drill}")
    await tutor.handle_text(ALICE, "/answer scale up, cache, replicas, a cdn")
    await tutor.handle_text(ALICE, "/reveal")
    return text(await tutor.handle_text(ALICE, f"/rate {rating} confirm"))  # over the suggestion


async def test_every_rated_drill_comes_round_before_the_interview(
    tutor: Tutor, sqlite_store: SqliteStore, clock: FixedClock
) -> None:
    await rated(tutor, "a-cpu-at-80", "easy")
    await rated(tutor, "e07-cdn", "easy")
    before = await sqlite_store.reviews(ALICE.user_key)
    assert all(r.due >= CUTOFF for r in before)  # easy: FSRS waits over a week
    reply = text(await tutor.handle_text(ALICE, "/settings interview=2026-12-04"))
    assert "Interview on Friday 4 December: 2 reviews moved earlier" in reply
    assert "16 drills you have not tried yet: /drill list shows them." in reply
    assert "interview: 2026-12-04: every drill you rated comes round before it" in reply
    after = await sqlite_store.reviews(ALICE.user_key)
    assert {r.drill_id for r in after} == {"a-cpu-at-80", "e07-cdn"}
    assert all(clock.now() < r.due < CUTOFF for r in after)
    settings = await sqlite_store.load_settings(ALICE.user_key)
    assert settings is not None
    assert settings.interview == INTERVIEW
    # A rating after it is aimed too.
    third = await rated(tutor, "e05-sessions", "easy")
    assert "Aimed at your interview on Friday 4 December." in third
    [late] = [r for r in await sqlite_store.reviews(ALICE.user_key) if r.drill_id == "e05-sessions"]
    assert late.due < CUTOFF


async def test_a_bad_interview_date_says_why_and_changes_nothing(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    for typed, reason in [
        ("2026-11-27", "2026-11-27 is not after today (2026-11-28)."),
        ("2026-02-30", "2026-02-30 is not a day of the calendar."),
        ("2029-01-01", "Give an interview date at most two years ahead."),
        ("soon", "'soon' is not a date; write it as YYYY-MM-DD, or off."),
    ]:
        reply = await tutor.handle_text(ALICE, f"/settings tz=Europe/Berlin interview={typed}")
        assert text(reply).startswith(reason), typed
        # The usage under it is the one every other /settings mistake gets: all the keys.
        assert text(reply).endswith(f"\nUsage: {usage_line(BY_NAME['settings'])}"), text(reply)
        assert await sqlite_store.load_settings(ALICE.user_key) is None
    await tutor.handle_text(ALICE, "/settings interview=2026-12-04")
    off = text(await tutor.handle_text(ALICE, "/settings interview=off"))
    assert "interview: off" in off
