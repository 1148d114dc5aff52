"""The team half of the store contract (challenges, the leaderboard, daily schedules), on the same
real databases as test_store_contract.py: a SQLite file and, when RUNGS_TEST_POSTGRES_URL names
one, a PostgreSQL schema of its own per test.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from test_store_contract import NOW, Database, database, store

from engine.ports import (
    BoardRow,
    ClaimedJob,
    EntryScore,
    NewJob,
    Store,
    StoredChallenge,
    StoredEntry,
    StoredSchedule,
)

__all__ = ["database", "store"]  # the fixtures, shared with the rest of the contract

SCOPE = "slack:T1:ch:C7"
BOARD = "slack:T1"
ALICE, BOB, CAROL = "slack:T1:alice", "slack:T1:bob", "slack:T1:carol"
TARGET = '{"workspace": "T1", "channel": "C7"}'
PARAMS = '{"rps": 12000}'
DEADLINE = NOW + timedelta(minutes=10)
LEASE = timedelta(seconds=60)
US = timedelta(microseconds=1)


async def start(
    store: Store, scope: str = SCOPE, board: str = BOARD, minute: int = 0
) -> StoredChallenge:
    at = NOW + timedelta(minutes=minute)
    challenge_id = await store.start_challenge(
        scope, board, "cache-stampede", PARAMS, ALICE, at, at + timedelta(minutes=10), TARGET
    )
    assert challenge_id is not None, f"{scope} already had a challenge running"
    started = await store.challenge(challenge_id)
    assert started is not None
    return started


async def claim_all(store: Store, at: timedelta, node: str = "node-a") -> list[ClaimedJob]:
    return await store.claim_due_jobs("slack", node, NOW + at, LEASE, 100)


async def play(
    store: Store, board: str, minute: int, scores: dict[str, int], scope: str = SCOPE
) -> int:
    """A whole challenge on `board`, ended `minute` minutes after NOW with these points."""
    challenge = await start(store, scope, board, minute)
    for user in scores:
        assert await store.join_challenge(challenge.id, user, user.rpartition(":")[2], NOW)
    ended = NOW + timedelta(minutes=minute + 5)
    assert await store.end_challenge(
        challenge.id, ended, [EntryScore(u, p // 10, 10, p) for u, p in scores.items()]
    )
    return challenge.id


# --- challenges ---------------------------------------------------------------------------


async def test_a_started_challenge_is_running_and_has_its_reveal_scheduled(store: Store) -> None:
    challenge_id = await store.start_challenge(
        SCOPE, BOARD, "cache-stampede", PARAMS, ALICE, NOW, DEADLINE, TARGET
    )

    assert challenge_id is not None
    expected = StoredChallenge(
        challenge_id, SCOPE, BOARD, "cache-stampede", PARAMS, ALICE, NOW, DEADLINE, None, TARGET
    )
    assert await store.running_challenge(SCOPE) == expected
    assert await store.challenge(challenge_id) == expected
    assert await store.running_challenge("slack:T1:ch:C8") is None
    assert await store.challenge(challenge_id + 1000) is None
    assert await store.next_job_due("slack") == DEADLINE
    assert await store.next_job_due("discord") is None  # the platform is the scope's first part
    assert await claim_all(store, at=timedelta(minutes=10) - US) == []
    [reveal] = await claim_all(store, at=timedelta(minutes=10))
    assert reveal == ClaimedJob(
        reveal.id,
        f"challenge:{challenge_id}",
        "challenge_reveal",
        "slack",
        TARGET,
        f'{{"challenge_id": {challenge_id}}}',
        DEADLINE,
        1,
    )


async def test_a_channel_runs_one_challenge_at_a_time(store: Store) -> None:
    first = await start(store)

    second = await store.start_challenge(
        SCOPE, BOARD, "other-drill", "{}", BOB, NOW, DEADLINE + timedelta(hours=1), TARGET
    )

    assert second is None
    assert await store.running_challenge(SCOPE) == first
    assert [j.key for j in await claim_all(store, at=timedelta(days=1))] == [
        f"challenge:{first.id}"
    ]
    elsewhere = await start(store, scope="slack:T1:ch:C8")  # another channel is not blocked
    assert elsewhere.id != first.id
    assert await store.end_challenge(first.id, NOW + timedelta(minutes=3), [])
    again = await start(store, minute=4)  # once ended, the channel may start another
    assert await store.running_challenge(SCOPE) == again


async def test_participants_join_once_and_are_listed_in_joining_order(store: Store) -> None:
    challenge = await start(store)
    joins = [(CAROL, "Carol", 2), (ALICE, "Alice ✓", 1), (BOB, "Bob", 2)]  # Bob ties Carol

    for user, name, minute in joins:
        assert await store.join_challenge(challenge.id, user, name, NOW + timedelta(minutes=minute))
    assert await store.join_challenge(challenge.id, BOB, "Bobby", NOW) is False  # already in
    assert await store.join_challenge(challenge.id + 1000, BOB, "Bob", NOW) is False

    entries = await store.challenge_entries(challenge.id)
    assert entries == [
        StoredEntry(ALICE, "Alice ✓", "", NOW + timedelta(minutes=1), None, None, None),
        StoredEntry(CAROL, "Carol", "", NOW + timedelta(minutes=2), None, None, None),
        StoredEntry(BOB, "Bob", "", NOW + timedelta(minutes=2), None, None, None),
    ]
    assert all(e.joined_at.utcoffset() == timedelta(0) for e in entries)
    assert await store.challenge_entries(challenge.id + 1000) == []


async def test_answers_need_a_participant_and_stay_within_max_length(store: Store) -> None:
    challenge = await start(store)
    await store.join_challenge(challenge.id, ALICE, "Alice", NOW)
    await store.join_challenge(challenge.id, BOB, "Bob", NOW)

    assert await store.append_challenge_answer(challenge.id, CAROL, "not joined", 100) is False
    assert await store.append_challenge_answer(challenge.id + 1000, ALICE, "nowhere", 100) is False
    assert await store.append_challenge_answer(challenge.id, ALICE, "ü" * 13, 12) is False
    assert await store.append_challenge_answer(challenge.id, ALICE, "ü" * 12, 12) is True
    assert await store.append_challenge_answer(challenge.id, ALICE, "", 12) is False  # newline
    assert await store.append_challenge_answer(challenge.id, BOB, "ab", 5) is True
    assert await store.append_challenge_answer(challenge.id, BOB, "cd", 5) is True  # "ab\ncd"
    assert await store.append_challenge_answer(challenge.id, BOB, "e", 6) is False  # 7 long

    answers = {e.user: e.answer for e in await store.challenge_entries(challenge.id)}
    assert answers == {ALICE: "ü" * 12, BOB: "ab\ncd"}
    assert [e.user for e in await store.challenge_entries(challenge.id)] == [ALICE, BOB]


async def test_ending_scores_the_entries_once_and_cancels_the_pending_reveal(store: Store) -> None:
    challenge = await start(store)
    for user in (ALICE, BOB, CAROL):
        await store.join_challenge(challenge.id, user, user.rpartition(":")[2], NOW)
    await store.append_challenge_answer(challenge.id, ALICE, "cache the hot keys", 100)
    ended = NOW + timedelta(minutes=4)
    scores = [
        EntryScore(ALICE, 3, 5, 60),
        EntryScore(BOB, 0, 5, 0),
        EntryScore("slack:T1:stranger", 5, 5, 100),  # never joined: ignored
    ]  # Carol has no score (she wrote nothing): she stays unscored

    assert await store.end_challenge(challenge.id, ended, scores) is True

    assert await store.challenge(challenge.id) == replace(challenge, ended_at=ended)
    assert await store.running_challenge(SCOPE) is None
    scored = {
        e.user: (e.covered, e.total, e.points) for e in await store.challenge_entries(challenge.id)
    }
    assert scored == {ALICE: (3, 5, 60), BOB: (0, 5, 0), CAROL: (None, None, None)}
    assert await store.leaderboard(BOARD, None, 10) == [
        BoardRow(ALICE, "alice", 60, 1),
        BoardRow(BOB, "bob", 0, 1),
    ]
    assert await store.next_job_due("slack") is None  # the reveal job is gone
    assert await claim_all(store, at=timedelta(days=1)) == []

    # A second end, with other scores and time, changes nothing.
    assert await store.end_challenge(challenge.id, ended + US, [EntryScore(BOB, 5, 5, 99)]) is False
    assert (await store.challenge(challenge.id)) == replace(challenge, ended_at=ended)
    assert {e.user: e.points for e in await store.challenge_entries(challenge.id)} == {
        ALICE: 60,
        BOB: 0,
        CAROL: None,
    }
    assert [r.points for r in await store.leaderboard(BOARD, None, 10)] == [60, 0]
    assert await store.end_challenge(challenge.id + 1000, ended, []) is False  # no such challenge


async def test_an_ended_challenge_takes_no_joins_and_no_answers(store: Store) -> None:
    challenge = await start(store)
    await store.join_challenge(challenge.id, ALICE, "Alice", NOW)
    await store.append_challenge_answer(challenge.id, ALICE, "before the end", 100)
    assert await store.end_challenge(challenge.id, NOW + timedelta(minutes=1), [])

    assert await store.join_challenge(challenge.id, BOB, "Bob", NOW) is False
    assert await store.append_challenge_answer(challenge.id, ALICE, "too late", 100) is False

    assert [(e.user, e.answer) for e in await store.challenge_entries(challenge.id)] == [
        (ALICE, "before the end")
    ]


async def test_the_reveal_job_ending_its_challenge_is_left_to_its_sweeper(store: Store) -> None:
    challenge = await start(store)
    [reveal] = await claim_all(store, at=timedelta(minutes=10))  # the deadline: it is claimed

    assert await store.end_challenge(challenge.id, DEADLINE, []) is True

    assert await store.finish_job(reveal.id, "node-a", DEADLINE) is True  # it was not dropped
    assert await claim_all(store, at=timedelta(days=1), node="node-b") == []


async def test_a_board_sums_points_and_counts_challenges_highest_first(store: Store) -> None:
    await play(store, BOARD, 0, {ALICE: 30, BOB: 50, CAROL: 10})
    await play(store, BOARD, 20, {ALICE: 40, CAROL: 0})
    await play(store, "slack:T2", 40, {"slack:T2:dan": 500}, scope="slack:T2:ch:C1")
    await play(store, BOARD, 60, {BOB: 20, "slack:T1:aaron": 90})  # Alice and Bob tie at 70

    board = await store.leaderboard(BOARD, None, 10)

    assert board == [
        BoardRow("slack:T1:aaron", "aaron", 90, 1),
        BoardRow(ALICE, "alice", 70, 2),
        BoardRow(BOB, "bob", 70, 2),
        BoardRow(CAROL, "carol", 10, 2),
    ]
    assert await store.leaderboard(BOARD, None, 2) == board[:2]
    assert await store.leaderboard(BOARD, None, 0) == []
    assert await store.leaderboard("slack:T2", None, 10) == [
        BoardRow("slack:T2:dan", "dan", 500, 1)
    ]
    assert await store.leaderboard("slack:T9", None, 10) == []


async def test_a_board_counts_points_won_since_an_instant(store: Store) -> None:
    await play(store, BOARD, 0, {ALICE: 30, BOB: 50})  # ends at NOW + 5 min
    await play(store, BOARD, 20, {ALICE: 40})  # ends at NOW + 25 min

    since_second = await store.leaderboard(BOARD, NOW + timedelta(minutes=25), 10)
    after_all = await store.leaderboard(BOARD, NOW + timedelta(minutes=25) + US, 10)
    since_first = await store.leaderboard(BOARD, NOW + timedelta(minutes=5), 10)

    assert since_second == [BoardRow(ALICE, "alice", 40, 1)]  # the instant itself counts
    assert after_all == []
    assert since_first == [BoardRow(ALICE, "alice", 70, 2), BoardRow(BOB, "bob", 50, 1)]


async def test_a_board_leaves_out_users_who_turned_it_off(store: Store) -> None:
    await play(store, BOARD, 0, {ALICE: 30, BOB: 50, CAROL: 10, "slack:T1:dan": 20})
    await store.save_settings(BOB, '{"tz": "UTC", "leaderboard": "off"}')
    await store.save_settings(ALICE, '{"leaderboard": "on"}')
    await store.save_settings(CAROL, "not json at all")  # never breaks the board
    await store.save_settings("slack:T1:dan", '["leaderboard", "off"]')  # not an object

    board = await store.leaderboard(BOARD, None, 10)

    assert [row.user for row in board] == [ALICE, "slack:T1:dan", CAROL]
    await store.save_settings(BOB, '{"leaderboard": "on"}')
    assert [row.user for row in await store.leaderboard(BOARD, None, 1)] == [BOB]


async def test_a_board_shows_the_name_of_each_users_latest_entry(store: Store) -> None:
    first = await start(store)
    await store.join_challenge(first.id, ALICE, "Alice", NOW)
    await store.end_challenge(first.id, NOW + timedelta(minutes=5), [EntryScore(ALICE, 1, 1, 10)])
    second = await start(store, minute=20)
    await store.join_challenge(second.id, ALICE, "Alice (she/her)", NOW + timedelta(minutes=21))

    board = await store.leaderboard(BOARD, None, 10)

    # The latest entry is the running challenge's, still unscored: her name, her old points.
    assert board == [BoardRow(ALICE, "Alice (she/her)", 10, 1)]


async def test_forgetting_a_user_takes_their_entries_and_points(store: Store) -> None:
    challenge_id = await play(store, BOARD, 0, {ALICE: 30, BOB: 50})
    running = await start(store, minute=20)
    await store.join_challenge(running.id, ALICE, "Alice", NOW)
    await store.save_settings(ALICE, '{"leaderboard": "on"}')

    deleted = await store.forget_user(ALICE)

    assert deleted == 4  # two entries, one points row, one settings row
    assert await store.leaderboard(BOARD, None, 10) == [BoardRow(BOB, "bob", 50, 1)]
    assert [e.user for e in await store.challenge_entries(challenge_id)] == [BOB]
    assert await store.challenge_entries(running.id) == []
    started = await store.challenge(challenge_id)
    assert started is not None
    assert started.starter == ""  # the challenge stays with its channel, without her key
    assert await store.forget_user(ALICE) == 0
    # A score for her arriving after she was forgotten does not bring her back.
    assert await store.end_challenge(running.id, NOW + US, [EntryScore(ALICE, 1, 1, 10)])
    assert await store.leaderboard(BOARD, None, 10) == [BoardRow(BOB, "bob", 50, 1)]


async def test_of_two_racing_starts_in_one_channel_exactly_one_wins(database: Database) -> None:
    left, right = await database.open(), await database.open()
    for round_ in range(4):
        at = NOW + timedelta(hours=round_)
        results = await asyncio.gather(
            *(
                s.start_challenge(SCOPE, BOARD, name, "{}", ALICE, at, at + US, TARGET)
                for s, name in ((left, "left"), (right, "right"))
            )
        )

        winners = [r for r in results if r is not None]
        assert len(winners) == 1, f"round {round_}: {results}"
        running = await right.running_challenge(SCOPE)
        assert running is not None
        assert running.id == winners[0]
        assert await left.end_challenge(winners[0], at, []) is True
    assert await left.next_job_due("slack") is None  # each start scheduled one reveal, ended


async def test_of_two_racing_ends_exactly_one_scores(database: Database) -> None:
    left, right = await database.open(), await database.open()
    for round_ in range(4):
        challenge = await start(left, minute=30 * round_)
        await left.join_challenge(challenge.id, ALICE, "Alice", NOW)

        results = await asyncio.gather(
            left.end_challenge(challenge.id, NOW, [EntryScore(ALICE, 1, 2, 10)]),
            right.end_challenge(challenge.id, NOW + US, [EntryScore(ALICE, 2, 2, 20)]),
        )

        assert sorted(results) == [False, True], f"round {round_}: {results}"
        ended = await right.challenge(challenge.id)
        assert ended is not None
        assert ended.ended_at == (NOW if results[0] else NOW + US)
        [entry] = await right.challenge_entries(challenge.id)
        assert entry.points == (10 if results[0] else 20)
    [row] = await left.leaderboard(BOARD, None, 10)
    assert row.challenges == 4  # one ledger row per challenge, never two


# --- daily schedules ----------------------------------------------------------------------

SPEC = '{"at": "09:00", "tz": "Europe/Berlin", "topic": "caching", "by": "slack:T1:alice"}'


def daily(day: int, hour: int = 8) -> NewJob:
    due = NOW.replace(hour=hour) + timedelta(days=day)
    return NewJob(
        f"daily:{SCOPE}:{due.isoformat()}",
        "daily_drill",
        "slack",
        TARGET,
        f'{{"scope": "{SCOPE}"}}',
        due,
    )


async def test_setting_a_schedule_schedules_its_first_run(store: Store) -> None:
    assert await store.load_schedule(SCOPE) is None
    first = daily(1)

    await store.set_schedule(SCOPE, SPEC, first)

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, first.key)
    assert await store.next_job_due("slack") == first.due_at
    [run] = await claim_all(store, at=first.due_at - NOW)
    assert run == ClaimedJob(
        run.id, first.key, "daily_drill", "slack", TARGET, first.payload, first.due_at, 1
    )


async def test_setting_a_schedule_again_replaces_it_and_its_pending_run(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1, hour=8))
    other_spec = SPEC.replace("09:00", "07:00")

    await store.set_schedule(SCOPE, other_spec, daily(1, hour=6))

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, other_spec, daily(1, 6).key)
    runs = await claim_all(store, at=timedelta(days=2))
    assert [j.key for j in runs] == [daily(1, hour=6).key]  # the 08:00 run went


async def test_setting_a_schedule_with_the_same_first_run_key_replaces_that_run(
    store: Store,
) -> None:
    first = daily(1)
    await store.set_schedule(SCOPE, SPEC, first)
    changed = replace(first, payload='{"topic": "sharding"}')

    await store.set_schedule(SCOPE, SPEC, changed)

    [run] = await claim_all(store, at=timedelta(days=2))
    assert (run.key, run.payload) == (first.key, '{"topic": "sharding"}')


async def test_clearing_a_schedule_cancels_its_pending_run(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    await store.set_schedule("slack:T1:ch:C8", SPEC, daily(2))

    assert await store.clear_schedule(SCOPE) is True
    assert await store.clear_schedule(SCOPE) is False

    assert await store.load_schedule(SCOPE) is None
    assert await store.load_schedule("slack:T1:ch:C8") is not None
    assert [j.key for j in await claim_all(store, at=timedelta(days=3))] == [daily(2).key]
    assert await store.clear_schedule("slack:T1:ch:none") is False


async def test_advancing_finishes_the_run_and_schedules_the_next(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    [run] = await claim_all(store, at=timedelta(days=1))
    ran_at = run.due_at + timedelta(seconds=2)

    advanced = await store.advance_schedule(SCOPE, run.key, run.id, "node-a", ran_at, daily(2))

    assert advanced is True
    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(2).key)
    assert await store.next_job_due("slack") == daily(2).due_at
    assert await store.finish_job(run.id, "node-a", ran_at) is False  # already done
    assert [j.key for j in await claim_all(store, at=timedelta(days=5))] == [daily(2).key]


async def test_advancing_without_the_claim_changes_nothing(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    [run] = await claim_all(store, at=timedelta(days=1))
    at = run.due_at

    assert await store.advance_schedule(SCOPE, run.key, run.id, "node-b", at, daily(2)) is False

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(1).key)
    held_until = NOW + timedelta(days=1) + LEASE  # node-a still holds it; nothing new
    assert await store.next_job_due("slack") == held_until
    assert await store.advance_schedule(SCOPE, run.key, run.id, "node-a", at, daily(2)) is True
    assert await store.advance_schedule(SCOPE, run.key, run.id, "node-a", at, daily(3)) is False
    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(2).key)


async def test_advancing_a_schedule_changed_meanwhile_only_finishes_the_run(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    [run] = await claim_all(store, at=timedelta(days=1))
    new_spec = SPEC.replace("caching", "sharding")
    await store.set_schedule(SCOPE, new_spec, daily(1, hour=12))  # the held run is not touched

    advanced = await store.advance_schedule(SCOPE, run.key, run.id, "node-a", run.due_at, daily(2))

    assert advanced is False
    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, new_spec, daily(1, 12).key)
    assert await store.finish_job(run.id, "node-a", run.due_at) is False  # it is done
    later = await claim_all(store, at=timedelta(days=5), node="node-b")
    assert [j.key for j in later] == [daily(1, hour=12).key]  # daily(2) was never scheduled


async def test_advancing_a_removed_schedule_only_finishes_the_run(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    [run] = await claim_all(store, at=timedelta(days=1))
    assert await store.clear_schedule(SCOPE) is True  # the held run is not cancelled

    advanced = await store.advance_schedule(SCOPE, run.key, run.id, "node-a", run.due_at, daily(2))

    assert advanced is False
    assert await store.load_schedule(SCOPE) is None
    assert await store.next_job_due("slack") is None
    assert await claim_all(store, at=timedelta(days=5), node="node-b") == []


async def test_schedules_survive_a_restart(database: Database) -> None:
    first = await database.open()
    await first.set_schedule(SCOPE, SPEC, daily(1))
    challenge = await start(first)
    await first.join_challenge(challenge.id, ALICE, "Alice", NOW)
    await database.close(first)

    second = await database.open()

    assert await second.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(1).key)
    assert await second.running_challenge(SCOPE) == challenge
    assert [e.user for e in await second.challenge_entries(challenge.id)] == [ALICE]
    keys = [j.key for j in await claim_all(second, at=timedelta(days=2))]
    assert keys == [f"challenge:{challenge.id}", daily(1).key]


async def test_racing_schedule_changes_leave_one_schedule_with_exactly_its_run(
    database: Database,
) -> None:
    left, right = await database.open(), await database.open()
    for round_ in range(4):
        day = 10 * round_ + 1
        setting = left.set_schedule(SCOPE, "left", daily(day, hour=6))
        if round_ % 2:  # a set racing a clear of the schedule the last round left
            await asyncio.gather(setting, right.clear_schedule(SCOPE))
        else:  # two sets racing
            await asyncio.gather(setting, right.set_schedule(SCOPE, "right", daily(day, hour=7)))

        schedule = await right.load_schedule(SCOPE)
        runs = await claim_all(left, at=timedelta(days=day + 1))
        if schedule is None:
            assert runs == [], f"round {round_}: a run outlived its schedule"
        else:
            assert [r.key for r in runs] == [schedule.job_key], f"round {round_}: {schedule}"
            assert (schedule.spec, schedule.job_key) in {
                ("left", daily(day, hour=6).key),
                ("right", daily(day, hour=7).key),
            }
        for run in runs:
            assert await left.finish_job(run.id, "node-a", NOW)


async def test_a_first_run_whose_key_is_taken_keeps_the_existing_job(store: Store) -> None:
    existing = replace(daily(1), payload='{"scheduled": "before"}')
    assert await store.schedule_job(existing)

    await store.set_schedule(SCOPE, SPEC, daily(1))  # a new schedule: nothing to cancel

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(1).key)
    [run] = await claim_all(store, at=timedelta(days=2))
    assert run.payload == '{"scheduled": "before"}'  # an existing key changes nothing
