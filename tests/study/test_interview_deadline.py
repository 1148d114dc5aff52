"""FSRS with a deadline: reviews pulled in before an interview date, on fixed dates and zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.drills.reviews import next_review
from engine.study.deadline import (
    ScheduledReview,
    parse_interview,
    plan_for_interview,
    plan_sentence,
    with_due,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


def card(reviewed: datetime, due: datetime, drill: str) -> ScheduledReview:
    """A real FSRS card reviewed at `reviewed`, with the due date the store holds."""
    text, _ = next_review(None, "good", reviewed)
    return ScheduledReview(drill, with_due(text, due), due)


def test_reviews_after_the_interview_land_as_late_as_possible_before_it() -> None:
    reviews = [
        card(NOW - timedelta(days=2), NOW + timedelta(days=3), "a"),  # before: stays
        card(NOW - timedelta(days=2), NOW + timedelta(days=20), "b"),
        card(NOW - timedelta(days=2), NOW + timedelta(days=40), "c"),
        card(NOW - timedelta(days=2), NOW + timedelta(days=30), "d"),
    ]
    interview = date(2026, 3, 16)  # two weeks on: the last day to review is 15 March
    moved = plan_for_interview(reviews, interview, NOW, UTC_ZONE, per_day=1)
    assert [(m.drill_id, m.due.date()) for m in moved] == [
        ("b", date(2026, 3, 13)),  # the one FSRS wanted soonest goes earliest
        ("c", date(2026, 3, 15)),  # the one it wanted latest, on the last day
        ("d", date(2026, 3, 14)),
    ]
    assert all(m.due == datetime.combine(m.due.date(), datetime.min.time(), UTC) for m in moved)
    assert [m.was for m in moved] == [reviews[1].due, reviews[2].due, reviews[3].due]


def test_up_to_three_a_day_by_default_on_the_last_day_first() -> None:
    reviews = [
        card(NOW - timedelta(days=1), NOW + timedelta(days=20 + n), f"d{n}") for n in range(5)
    ]
    moved = plan_for_interview(reviews, date(2026, 3, 16), NOW, UTC_ZONE)
    days = sorted(m.due.date() for m in moved)
    assert days == [date(2026, 3, 14)] * 2 + [date(2026, 3, 15)] * 3


def test_planning_again_over_its_own_result_moves_nothing() -> None:
    reviews = [
        card(NOW - timedelta(days=1), NOW + timedelta(days=25 + n), f"d{n}") for n in range(7)
    ]
    moved = plan_for_interview(reviews, date(2026, 3, 12), NOW, BERLIN)
    assert len(moved) == 7
    by_drill = {m.drill_id: m for m in moved}
    after = [
        ScheduledReview(r.drill_id, by_drill[r.drill_id].card, by_drill[r.drill_id].due)
        for r in reviews
    ]
    assert plan_for_interview(after, date(2026, 3, 12), NOW, BERLIN) == ()


def test_with_too_few_days_left_the_days_fill_up_and_today_is_due_at_once() -> None:
    reviews = [
        card(NOW - timedelta(days=3), NOW + timedelta(days=9 + n), f"d{n}") for n in range(7)
    ]
    moved = plan_for_interview(reviews, date(2026, 3, 4), NOW, UTC_ZONE, per_day=1)
    # Two days left (today and tomorrow) for seven reviews: four a day at most.
    tomorrow = [m for m in moved if m.due.date() == date(2026, 3, 3)]
    today = [m for m in moved if m.due.date() == date(2026, 3, 2)]
    assert (len(tomorrow), len(today)) == (4, 3)
    assert all(m.due == NOW for m in today)  # today's start is past: due now


def test_a_drill_reviewed_on_the_last_day_already_counts() -> None:
    reviewed_today = card(NOW - timedelta(hours=1), NOW + timedelta(days=5), "a")
    assert plan_for_interview([reviewed_today], date(2026, 3, 3), NOW, UTC_ZONE) == ()
    yesterday = card(NOW - timedelta(days=1), NOW + timedelta(days=5), "b")
    moved = plan_for_interview([yesterday], date(2026, 3, 3), NOW, UTC_ZONE)
    assert [m.due for m in moved] == [NOW]  # today is after its last review: due now


def test_local_days_across_the_spring_change_in_berlin() -> None:
    # The last day before a Monday 30 March interview is 29 March, when Berlin's clocks go
    # forward: that day still starts at local midnight, 23:00 UTC the evening before (CET).
    review = card(NOW, NOW + timedelta(days=60), "a")
    moved = plan_for_interview([review], date(2026, 3, 30), NOW, BERLIN)
    assert [m.due for m in moved] == [datetime(2026, 3, 28, 23, 0, tzinfo=UTC)]
    assert moved[0].due.astimezone(BERLIN).hour == 0


def test_local_days_across_the_autumn_change_in_new_york() -> None:
    now = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
    review = card(now, now + timedelta(days=60), "a")
    moved = plan_for_interview([review], date(2026, 11, 2), now, NEW_YORK)
    # 1 November, the day the clocks go back: midnight is still EDT, 04:00 UTC.
    assert [m.due for m in moved] == [datetime(2026, 11, 1, 4, 0, tzinfo=UTC)]
    late = datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK)  # already EST
    assert moved[0].due < late


def test_the_moved_card_is_still_a_card_fsrs_schedules_from() -> None:
    review = card(NOW - timedelta(days=2), NOW + timedelta(days=40), "a")
    moved = plan_for_interview([review], date(2026, 3, 10), NOW, UTC_ZONE)[0]
    assert moved.card.due == datetime(2026, 3, 9, tzinfo=UTC)
    assert moved.card.stability == review.card.stability
    _, again = next_review(moved.card, "good", moved.due)
    assert again > moved.due


def test_the_interview_date_as_typed() -> None:
    today = date(2026, 3, 2)
    assert parse_interview("2026-03-14", today) == date(2026, 3, 14)
    assert parse_interview(" OFF ", today) is None
    for typed, message in (
        ("14/03/2026", "not a date; write it as YYYY-MM-DD"),
        ("2026-02-30", "not a day of the calendar"),
        ("2026-03-02", "is not after today (2026-03-02)"),
        ("2025-12-01", "is not after today"),
        ("2029-01-01", "at most two years ahead"),
    ):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_interview(typed, today)


def test_what_setting_the_date_says() -> None:
    review = card(NOW, NOW + timedelta(days=40), "a")
    moved = plan_for_interview([review], date(2026, 3, 14), NOW, UTC_ZONE)
    assert plan_sentence(moved, date(2026, 3, 14), unseen=0) == (
        "Interview on Saturday 14 March: 1 review moved earlier so every drill you have rated "
        "comes round again before then."
    )
    assert plan_sentence((), date(2026, 3, 14), unseen=2) == (
        "Interview on Saturday 14 March: every drill you have rated already comes round again "
        "before then. 2 drills you have not tried yet: /drill list shows them."
    )


def test_recently_reviewed_drills_are_placed_first_and_never_after_the_interview() -> None:
    early = [card(NOW - timedelta(days=5), NOW + timedelta(days=30 + n), f"e{n}") for n in range(2)]
    today = card(NOW - timedelta(hours=1), NOW + timedelta(days=20), "r")  # reviewed today
    moved = plan_for_interview([*early, today], date(2026, 3, 5), NOW, UTC_ZONE, per_day=1)
    # Days left: 2, 3 and 4 March; "r" may not come back today, so it is placed first and the
    # others make room, one a day.
    by_drill = {m.drill_id: m.due for m in moved}
    assert by_drill == {
        "r": datetime(2026, 3, 4, tzinfo=UTC),
        "e1": datetime(2026, 3, 3, tzinfo=UTC),
        "e0": NOW,
    }
    crowded = [
        card(NOW - timedelta(hours=1), NOW + timedelta(days=20 + n), f"r{n}") for n in range(2)
    ]
    moved = plan_for_interview(crowded, date(2026, 3, 4), NOW, UTC_ZONE, per_day=1)
    assert [m.due.date() for m in moved] == [date(2026, 3, 3)] * 2  # over the cap, not after
