"""The drill half of the store contract (per-user sessions, reviews, settings), on the same
databases as test_store_contract.py: a SQLite file, a PostgreSQL schema of its own per test when
RUNGS_TEST_POSTGRES_URL names a server, and the in-memory fake.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta, timezone

import pytest
from store_databases import NOW, Database

from engine.ports import ReviewCard, Store, StoredReview, StoredSession, UserKey, UserSettings

USER = UserKey("discord", "guild-1", "alice")
OTHER = UserKey("discord", "guild-1", "bob")
DRILL = "cache-stampede"
PARAMS = {"rps": 12000.0, "ttl_s": 30.5}
DEADLINE = NOW + timedelta(minutes=20)
MISSED = ("jitter", "single-flight")
BERLIN = UserSettings("Europe/Berlin")


def card(days: int) -> ReviewCard:
    due = NOW + timedelta(days=days)
    return ReviewCard(1, 2, None, 3.5 * days, 5.25, due, NOW)


async def start(
    store: Store, user: UserKey = USER, drill_id: str = DRILL, minute: int = 0
) -> StoredSession:
    """Start a drill `minute` minutes after NOW and return it as stored."""
    at = NOW + timedelta(minutes=minute)
    session_id = await store.start_session(user, drill_id, PARAMS, at, at + timedelta(minutes=20))
    assert session_id is not None, f"{user} already had a drill running"
    running = await store.running_session(user)
    assert running is not None
    assert running.id == session_id
    return running


async def reveal(store: Store, session: StoredSession, covered: int = 5) -> None:
    ended = session.started_at + timedelta(minutes=9)
    assert await store.finish_session(session.id, ended, covered, 8, MISSED) is True


async def rate(store: Store, session: StoredSession, days: int = 3, user: UserKey = USER) -> bool:
    return await store.rate_session(
        user, session.id, "good", session.drill_id, card(days), NOW + timedelta(days=days)
    )


async def test_a_started_drill_is_the_running_and_the_latest_one(store: Store) -> None:
    assert await store.running_session(USER) is None
    assert await store.latest_session(USER) is None
    ist = timezone(timedelta(hours=5, minutes=30))  # any aware time in; UTC out

    session_id = await store.start_session(
        USER, DRILL, PARAMS, NOW.astimezone(ist), DEADLINE.astimezone(ist)
    )

    assert session_id is not None
    expected = StoredSession(
        session_id, DRILL, PARAMS, NOW, DEADLINE, "", None, None, None, None, None, None
    )
    running = await store.running_session(USER)
    assert running == expected
    assert running.started_at.utcoffset() == timedelta(0)
    assert running.deadline.utcoffset() == timedelta(0)
    assert await store.latest_session(USER) == expected
    assert await store.running_session(OTHER) is None
    assert await store.sessions(USER, 10) == []  # not ended yet


async def test_a_second_start_while_one_runs_returns_none_and_changes_nothing(
    store: Store,
) -> None:
    first = await start(store)

    second = await store.start_session(USER, "other-drill", {}, NOW, DEADLINE)

    assert second is None
    assert await store.running_session(USER) == first
    assert await store.latest_session(USER) == first
    assert (await start(store, OTHER)).drill_id == DRILL  # another user is not blocked


async def test_abandoning_ends_the_running_drill_and_lets_a_new_one_start(store: Store) -> None:
    first = await start(store)
    ended = NOW + timedelta(minutes=3)

    assert await store.abandon_session(USER, ended) is True

    assert await store.running_session(USER) is None
    assert await store.latest_session(USER) == replace(first, ended_at=ended, outcome="abandoned")
    assert await store.abandon_session(USER, ended) is False  # nothing running any more
    second = await start(store, drill_id="other-drill", minute=5)
    assert second.id > first.id
    assert await store.latest_session(USER) == second


async def test_an_answer_is_replaced_only_while_it_is_what_the_writer_read(store: Store) -> None:
    session = await start(store)

    assert await store.replace_answer(session.id, "", "cache the hot keys") is True
    assert await store.replace_answer(session.id, "", "from a stale read") is False
    sketch = "cache the hot keys\njitter the TTLs, ünïcödé ✓"
    assert await store.replace_answer(session.id, "cache the hot keys", sketch) is True

    running = await store.running_session(USER)
    assert running == replace(session, answer=sketch)


async def test_an_ended_drill_takes_no_more_answer(store: Store) -> None:
    revealed = await start(store)
    await store.replace_answer(revealed.id, "", "before the reveal")
    await reveal(store, revealed)
    abandoned = await start(store, OTHER)
    await store.abandon_session(OTHER, NOW)

    assert await store.replace_answer(revealed.id, "before the reveal", "too late") is False
    assert await store.replace_answer(abandoned.id, "", "too late") is False
    assert await store.replace_answer(10_000, "", "no such drill") is False

    latest = await store.latest_session(USER)
    assert latest is not None
    assert latest.answer == "before the reveal"
    assert (await store.latest_session(OTHER)) == replace(
        abandoned, ended_at=NOW, outcome="abandoned"
    )


async def test_a_drill_is_revealed_once_and_keeps_the_first_result(store: Store) -> None:
    session = await start(store)
    ended = NOW + timedelta(minutes=9)

    assert await store.finish_session(session.id, ended, 5, 8, MISSED) is True
    assert await store.finish_session(session.id, ended + timedelta(1), 8, 8, []) is False

    expected = replace(session, ended_at=ended, outcome="revealed", covered=5, total=8)
    assert await store.latest_session(USER) == replace(expected, missed=MISSED)
    assert await store.running_session(USER) is None
    assert await store.abandon_session(USER, ended) is False  # a revealed drill stays revealed


async def test_a_rating_needs_a_revealed_unrated_drill_of_the_same_user(store: Store) -> None:
    session = await start(store)

    assert await rate(store, session) is False  # not revealed yet
    await reveal(store, session)
    assert await rate(store, session, user=OTHER) is False  # someone else's drill
    assert await store.reviews(USER) == []
    assert await store.reviews(OTHER) == []

    assert await rate(store, session, days=3) is True
    assert await rate(store, session, days=9) is False  # rated already: the review stays

    assert await store.reviews(USER) == [StoredReview(DRILL, card(3), NOW + timedelta(days=3))]
    latest = await store.latest_session(USER)
    assert latest is not None
    assert latest.rating == "good"
    abandoned = await start(store, minute=30)
    await store.abandon_session(USER, NOW + timedelta(minutes=31))
    assert await rate(store, abandoned) is False  # no reveal, nothing to rate


async def test_rating_the_same_drill_again_replaces_its_review(store: Store) -> None:
    for minute, days in [(0, 1), (60, 4)]:
        session = await start(store, minute=minute)
        await reveal(store, session)
        assert await rate(store, session, days=days) is True

    reviews = await store.reviews(USER)

    assert [(r.drill_id, r.due) for r in reviews] == [(DRILL, NOW + timedelta(days=4))]
    assert reviews[0].card == card(4)


async def test_reviews_come_soonest_due_first(store: Store) -> None:
    dues = {  # sub-second and cross-day gaps, inserted out of order
        "c-late": NOW + timedelta(days=2),
        "b-tie": NOW + timedelta(minutes=30),
        "a-tie": NOW + timedelta(minutes=30),
        "d-soon": NOW + timedelta(minutes=29, seconds=59, microseconds=500_000),
        "e-later": NOW + timedelta(minutes=30, microseconds=1),
    }
    for minute, (drill_id, due) in enumerate(dues.items()):
        session = await start(store, drill_id=drill_id, minute=minute)
        await reveal(store, session)
        assert await store.rate_session(USER, session.id, "hard", drill_id, card(1), due)
    other = await start(store, OTHER, drill_id="z-other")
    await reveal(store, other)
    assert await rate(store, other, user=OTHER)

    reviews = await store.reviews(USER)

    assert [r.drill_id for r in reviews] == ["d-soon", "a-tie", "b-tie", "e-later", "c-late"]
    assert [r.due for r in reviews] == sorted(dues.values())
    assert all(r.due.utcoffset() == timedelta(0) for r in reviews)


async def test_sessions_lists_ended_drills_newest_first(store: Store) -> None:
    first = await start(store, drill_id="first")
    await reveal(store, first)
    second = await start(store, drill_id="second", minute=10)
    await store.abandon_session(USER, NOW + timedelta(minutes=11))
    third = await start(store, drill_id="third", minute=20)
    await reveal(store, third)
    await start(store, drill_id="running", minute=30)
    await reveal(store, await start(store, OTHER))

    listed = await store.sessions(USER, 10)

    assert [s.id for s in listed] == [third.id, second.id, first.id]
    assert [s.outcome for s in listed] == ["revealed", "abandoned", "revealed"]
    assert [s.id for s in await store.sessions(USER, 2)] == [third.id, second.id]
    assert await store.sessions(OTHER, 10) != []  # the other user's drill is theirs alone


async def test_settings_round_trip_and_are_overwritten(store: Store) -> None:
    assert await store.load_settings(USER) is None

    await store.save_settings(USER, BERLIN)
    await store.save_settings(OTHER, UserSettings("UTC"))
    assert await store.load_settings(USER) == BERLIN
    hidden = UserSettings("Asia/Kolkata", leaderboard_visible=False)
    await store.save_settings(USER, hidden)

    assert await store.load_settings(USER) == hidden
    assert await store.load_settings(OTHER) == UserSettings("UTC")
    await store.save_settings(OTHER, UserSettings())
    assert await store.load_settings(OTHER) == UserSettings(None, leaderboard_visible=True)


async def test_the_images_setting_round_trips(store: Store) -> None:
    text_only = UserSettings("Europe/Berlin", leaderboard_visible=True, images=False)
    await store.save_settings(USER, text_only)
    assert await store.load_settings(USER) == text_only
    assert await store.load_settings(OTHER) is None  # and a user who never chose sees pictures
    assert UserSettings().images
    await store.save_settings(USER, UserSettings("Europe/Berlin"))
    assert (await store.load_settings(USER)) == UserSettings("Europe/Berlin", images=True)


async def test_forgetting_a_user_deletes_all_their_rows_and_only_theirs(store: Store) -> None:
    for user in (USER, OTHER):
        rated = await start(store, user)
        await reveal(store, rated)
        assert await rate(store, rated, user=user)
        await start(store, user, drill_id="running", minute=30)
        await store.save_settings(user, UserSettings("UTC"))
    others = (await store.sessions(OTHER, 10), await store.running_session(OTHER))

    deleted = await store.forget_user(USER)

    assert deleted == 4  # two sessions, one review, one settings row
    assert await store.running_session(USER) is None
    assert await store.latest_session(USER) is None
    assert await store.sessions(USER, 10) == []
    assert await store.reviews(USER) == []
    assert await store.load_settings(USER) is None
    assert (await store.sessions(OTHER, 10), await store.running_session(OTHER)) == others
    assert [r.drill_id for r in await store.reviews(OTHER)] == [DRILL]
    assert await store.load_settings(OTHER) == UserSettings("UTC")
    assert await store.forget_user(USER) == 0
    assert (await start(store)).answer == ""  # a forgotten user can start afresh


async def test_drills_survive_a_restart(database: Database) -> None:
    first = await database.open()
    done = await start(first)
    await first.replace_answer(done.id, "", "sketch")
    await reveal(first, done)
    await rate(first, done)
    running = await start(first, minute=30)
    await first.replace_answer(running.id, "", "half a sketch")
    await first.save_settings(USER, UserSettings("UTC"))
    before = (
        await first.sessions(USER, 10),
        await first.running_session(USER),
        await first.reviews(USER),
    )
    await database.close(first)

    second = await database.open()

    after = (
        await second.sessions(USER, 10),
        await second.running_session(USER),
        await second.reviews(USER),
    )
    assert after == before
    assert after[0][0].rating == "good"
    assert after[1] is not None
    assert after[1].answer == "half a sketch"
    assert await second.load_settings(USER) == UserSettings("UTC")
    assert await second.start_session(USER, DRILL, PARAMS, NOW, DEADLINE) is None


async def test_of_two_racing_starts_for_one_user_exactly_one_wins(database: Database) -> None:
    left, right = await database.open(), await database.open()
    for round_ in range(5):
        at = NOW + timedelta(hours=round_)
        results = await asyncio.gather(
            left.start_session(USER, "left", PARAMS, at, at + timedelta(minutes=20)),
            right.start_session(USER, "right", PARAMS, at, at + timedelta(minutes=20)),
        )

        winners = [r for r in results if r is not None]
        assert len(winners) == 1, f"round {round_}: {results}"
        running = await right.running_session(USER)
        assert running is not None
        assert running.id == winners[0]
        assert running.drill_id == ("left" if results[0] is not None else "right")
        assert await left.abandon_session(USER, at + timedelta(minutes=1)) is True
    assert len(await left.sessions(USER, 100)) == 5


async def test_of_racing_replacements_of_one_answer_exactly_one_lands(
    database: Database,
) -> None:
    left, right = await database.open(), await database.open()
    session = await start(left)
    answer = ""
    for round_ in range(10):
        results = await asyncio.gather(
            left.replace_answer(session.id, answer, f"{answer}left {round_}\n"),
            right.replace_answer(session.id, answer, f"{answer}right {round_}\n"),
        )

        assert sorted(results) == [False, True], f"round {round_}: {results}"
        answer += f"{'left' if results[0] else 'right'} {round_}\n"
        running = await right.running_session(USER)
        assert running is not None
        assert running.answer == answer


async def test_of_two_racing_ratings_exactly_one_lands_with_its_review(
    database: Database,
) -> None:
    left, right = await database.open(), await database.open()
    session = await start(left)
    await reveal(left, session)

    results = await asyncio.gather(rate(left, session, days=2), rate(right, session, days=7))

    assert sorted(results) == [False, True]
    days = 2 if results[0] else 7
    assert [r.due for r in await right.reviews(USER)] == [NOW + timedelta(days=days)]


@pytest.mark.parametrize("limit", [1, 3])
async def test_sessions_respects_the_limit(store: Store, limit: int) -> None:
    ids = []
    for minute in range(4):
        session = await start(store, minute=minute)
        await store.abandon_session(USER, session.started_at)
        ids.append(session.id)

    assert [s.id for s in await store.sessions(USER, limit)] == ids[::-1][:limit]
