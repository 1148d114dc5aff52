"""The study half of the store contract (hints on a running drill, moving review dates, the
interview setting, a review of misses), on every store: a SQLite file, a PostgreSQL schema of
its own when RUNGS_TEST_POSTGRES_URL names a server, and the in-memory fake."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from store_databases import NOW
from test_drill_store_contract import OTHER, USER, card, rate, reveal, start

from engine.ports import Store, UserSettings


async def test_hints_are_recorded_in_order_only_over_what_was_read(store: Store) -> None:
    running = await start(store)
    assert running.hints == ()
    assert await store.record_hints(running.id, (), ("a",)) is True
    assert await store.record_hints(running.id, (), ("b",)) is False  # someone got there first
    assert await store.record_hints(running.id, ("a",), ("a", "b")) is True
    again = await store.running_session(USER)
    assert again is not None
    assert again.hints == ("a", "b")
    await reveal(store, running)
    assert await store.record_hints(running.id, ("a", "b"), ("a", "b", "c")) is False
    [ended] = await store.sessions(USER, 5)
    assert ended.hints == ("a", "b")


async def test_moving_reviews_changes_only_the_users_existing_cards(store: Store) -> None:
    mine = await start(store)
    await reveal(store, mine)
    assert await rate(store, mine, days=30)
    theirs = await start(store, OTHER)
    await reveal(store, theirs)
    assert await rate(store, theirs, days=30, user=OTHER)
    moved = replace(card(30), due=NOW + timedelta(days=4))
    assert await store.move_reviews(USER, [(mine.drill_id, moved), ("not-reviewed", moved)]) == 1
    assert await store.move_reviews(USER, []) == 0
    [review] = await store.reviews(USER)
    assert review.due == NOW + timedelta(days=4)
    assert review.card == moved
    [other] = await store.reviews(OTHER)
    assert other.due == NOW + timedelta(days=30)


async def test_the_interview_date_is_a_setting(store: Store) -> None:
    settings = UserSettings("Europe/Berlin", True, interview=date(2027, 1, 15))
    await store.save_settings(USER, settings)
    assert await store.load_settings(USER) == settings
    await store.save_settings(USER, replace(settings, interview=None))
    assert await store.load_settings(USER) == UserSettings("Europe/Berlin")


async def test_a_review_of_misses_is_kept_per_user_and_forgotten(store: Store) -> None:
    assert await store.load_miss_review(USER) is None
    await store.save_miss_review(USER, '{"v": 1}', NOW)
    await store.save_miss_review(USER, '{"v": 1, "n": 2}', NOW + timedelta(minutes=1))
    assert await store.load_miss_review(USER) == '{"v": 1, "n": 2}'
    assert await store.load_miss_review(OTHER) is None
    assert await store.clear_miss_review(USER) is True
    assert await store.clear_miss_review(USER) is False
    await store.save_miss_review(USER, '{"v": 1}', NOW)
    assert await store.forget_user(USER) == 1
    assert await store.load_miss_review(USER) is None
