"""The team half of the store contract (challenges, the leaderboard, daily schedules), on the same
databases as test_store_contract.py: a SQLite file, a PostgreSQL schema of its own per test when
RUNGS_TEST_POSTGRES_URL names a server, and the in-memory fake.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import time, timedelta
from itertools import count

from store_databases import NOW, Database

from engine.ports import (
    Board,
    BoardRow,
    ChallengeReveal,
    ClaimedJob,
    DailyDrill,
    EntryScore,
    FailureReason,
    NewChallenge,
    NewJob,
    PostFailure,
    ScheduleSpec,
    Scope,
    ScopeKind,
    Store,
    StoredChallenge,
    StoredEntry,
    StoredSchedule,
    Target,
    UserKey,
    UserSettings,
)


def channel(workspace: str, channel_id: str) -> Scope:
    return Scope("slack", workspace, ScopeKind.CHANNEL, channel_id)


def user(name: str, workspace: str = "T1") -> UserKey:
    return UserKey("slack", workspace, name)


SCOPE = channel("T1", "C7")
ELSEWHERE = channel("T1", "C8")
BOARD = Board("slack", "T1")
ALICE, BOB, CAROL, DAN = user("alice"), user("bob"), user("carol"), user("dan")
TARGET = Target("T1", "C7")
PARAMS = {"rps": 12000.0}
DEADLINE = NOW + timedelta(minutes=10)
LEASE = timedelta(seconds=60)
US = timedelta(microseconds=1)
_KEYS = count(1)


def new(
    scope: Scope = SCOPE,
    minute: int = 0,
    drill: str = "cache-stampede",
    length: timedelta = DEADLINE - NOW,
) -> tuple[NewChallenge, NewJob]:
    """A challenge starting `minute` minutes after NOW, and its reveal job (a fresh key)."""
    at = NOW + timedelta(minutes=minute)
    challenge = NewChallenge(scope, drill, PARAMS, ALICE, at, at + length, TARGET)
    reveal = NewJob(f"reveal-{next(_KEYS)}", scope.platform, TARGET, ChallengeReveal(), at + length)
    return challenge, reveal


async def start(store: Store, scope: Scope = SCOPE, minute: int = 0) -> StoredChallenge:
    started = await store.start_challenge(*new(scope, minute))
    assert started is not None, f"{scope} already had a challenge running"
    assert await store.challenge(started.id) == started
    return started


async def claim_all(store: Store, at: timedelta, node: str = "node-a") -> list[ClaimedJob]:
    return await store.claim_due_jobs("slack", node, NOW + at, LEASE, 100)


async def play(store: Store, minute: int, scores: dict[UserKey, int], scope: Scope = SCOPE) -> int:
    """A whole challenge in `scope` (on its board), ended `minute` minutes after NOW with these
    points."""
    challenge = await start(store, scope, minute)
    for player in scores:
        assert await store.join_challenge(challenge.id, player, player.user_id, NOW)
    ended = NOW + timedelta(minutes=minute + 5)
    assert await store.end_challenge(
        challenge.id, ended, [EntryScore(u, p // 10, 10, p) for u, p in scores.items()]
    )
    return challenge.id


# --- challenges ---------------------------------------------------------------------------


async def test_a_started_challenge_is_running_and_has_its_reveal_scheduled(store: Store) -> None:
    challenge, job = new()

    started = await store.start_challenge(challenge, job)

    assert started is not None
    expected = StoredChallenge(
        started.id,
        SCOPE,
        BOARD,
        "cache-stampede",
        PARAMS,
        ALICE,
        NOW,
        DEADLINE,
        None,
        TARGET,
        job.key,
    )
    assert started == expected
    assert await store.running_challenge(SCOPE) == expected
    assert await store.challenge(started.id) == expected
    assert await store.challenge_by_reveal(job.key) == expected
    assert await store.challenge_by_reveal("reveal-of-nothing") is None
    assert await store.running_challenge(ELSEWHERE) is None
    assert await store.challenge(started.id + 1000) is None
    assert await store.next_job_due("slack") == DEADLINE
    assert await store.next_job_due("discord") is None  # the job's platform, as given
    assert await claim_all(store, at=timedelta(minutes=10) - US) == []
    [reveal] = await claim_all(store, at=timedelta(minutes=10))
    assert reveal == ClaimedJob(reveal.id, job.key, "slack", TARGET, ChallengeReveal(), DEADLINE, 1)


async def test_a_channel_runs_one_challenge_at_a_time(store: Store) -> None:
    first = await start(store)

    second = await store.start_challenge(*new(drill="other-drill", length=timedelta(hours=1)))

    assert second is None
    assert await store.running_challenge(SCOPE) == first
    assert [j.key for j in await claim_all(store, at=timedelta(days=1))] == [first.reveal_key]
    elsewhere = await start(store, scope=ELSEWHERE)  # another channel is not blocked
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


async def test_answers_need_a_participant_and_are_replaced_only_unchanged(store: Store) -> None:
    challenge = await start(store)
    await store.join_challenge(challenge.id, ALICE, "Alice", NOW)
    await store.join_challenge(challenge.id, BOB, "Bob", NOW)

    assert await store.replace_challenge_answer(challenge.id, CAROL, "", "not joined") is False
    assert await store.replace_challenge_answer(challenge.id + 1000, ALICE, "", "nowhere") is False
    assert await store.replace_challenge_answer(challenge.id, ALICE, "", "ü" * 12) is True
    assert await store.replace_challenge_answer(challenge.id, ALICE, "", "stale") is False
    assert await store.replace_challenge_answer(challenge.id, BOB, "", "ab") is True
    assert await store.replace_challenge_answer(challenge.id, BOB, "ab", "ab\ncd") is True

    answers = {e.user: e.answer for e in await store.challenge_entries(challenge.id)}
    assert answers == {ALICE: "ü" * 12, BOB: "ab\ncd"}
    assert [e.user for e in await store.challenge_entries(challenge.id)] == [ALICE, BOB]


async def test_ending_scores_the_entries_once_and_cancels_the_pending_reveal(store: Store) -> None:
    challenge = await start(store)
    for player in (ALICE, BOB, CAROL):
        await store.join_challenge(challenge.id, player, player.user_id, NOW)
    await store.replace_challenge_answer(challenge.id, ALICE, "", "cache the hot keys")
    ended = NOW + timedelta(minutes=4)
    scores = [
        EntryScore(ALICE, 3, 5, 60),
        EntryScore(BOB, 0, 5, 0),
        EntryScore(user("stranger"), 5, 5, 100),  # never joined: ignored
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
    await store.replace_challenge_answer(challenge.id, ALICE, "", "before the end")
    assert await store.end_challenge(challenge.id, NOW + timedelta(minutes=1), [])

    assert await store.join_challenge(challenge.id, BOB, "Bob", NOW) is False
    assert (
        await store.replace_challenge_answer(challenge.id, ALICE, "before the end", "late") is False
    )

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
    await play(store, 0, {ALICE: 30, BOB: 50, CAROL: 10})
    await play(store, 20, {ALICE: 40, CAROL: 0})
    await play(store, 40, {user("dan", "T2"): 500}, scope=channel("T2", "C1"))
    await play(store, 60, {BOB: 20, user("aaron"): 90})  # Alice and Bob tie at 70

    board = await store.leaderboard(BOARD, None, 10)

    assert board == [
        BoardRow(user("aaron"), "aaron", 90, 1),
        BoardRow(ALICE, "alice", 70, 2),
        BoardRow(BOB, "bob", 70, 2),
        BoardRow(CAROL, "carol", 10, 2),
    ]
    assert await store.leaderboard(BOARD, None, 2) == board[:2]
    assert await store.leaderboard(BOARD, None, 0) == []
    assert await store.leaderboard(Board("slack", "T2"), None, 10) == [
        BoardRow(user("dan", "T2"), "dan", 500, 1)
    ]
    assert await store.leaderboard(Board("slack", "T9"), None, 10) == []


async def test_a_board_counts_points_won_since_an_instant(store: Store) -> None:
    await play(store, 0, {ALICE: 30, BOB: 50})  # ends at NOW + 5 min
    await play(store, 20, {ALICE: 40})  # ends at NOW + 25 min

    since_second = await store.leaderboard(BOARD, NOW + timedelta(minutes=25), 10)
    after_all = await store.leaderboard(BOARD, NOW + timedelta(minutes=25) + US, 10)
    since_first = await store.leaderboard(BOARD, NOW + timedelta(minutes=5), 10)

    assert since_second == [BoardRow(ALICE, "alice", 40, 1)]  # the instant itself counts
    assert after_all == []
    assert since_first == [BoardRow(ALICE, "alice", 70, 2), BoardRow(BOB, "bob", 50, 1)]


async def test_a_board_leaves_out_users_who_turned_it_off(store: Store) -> None:
    await play(store, 0, {ALICE: 30, BOB: 50, CAROL: 10, DAN: 20})
    await store.save_settings(BOB, UserSettings("UTC", leaderboard_visible=False))
    await store.save_settings(ALICE, UserSettings(leaderboard_visible=True))
    await store.save_settings(CAROL, UserSettings("Europe/Berlin"))  # the default: shown

    board = await store.leaderboard(BOARD, None, 10)

    assert [row.user for row in board] == [ALICE, DAN, CAROL]  # Dan has no settings: shown
    await store.save_settings(BOB, UserSettings("UTC"))
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
    challenge_id = await play(store, 0, {ALICE: 30, BOB: 50})
    running = await start(store, minute=20)
    await store.join_challenge(running.id, ALICE, "Alice", NOW)
    await store.save_settings(ALICE, UserSettings())

    deleted = await store.forget_user(ALICE)

    assert deleted == 4  # two entries, one points row, one settings row
    assert await store.leaderboard(BOARD, None, 10) == [BoardRow(BOB, "bob", 50, 1)]
    assert [e.user for e in await store.challenge_entries(challenge_id)] == [BOB]
    assert await store.challenge_entries(running.id) == []
    started = await store.challenge(challenge_id)
    assert started is not None
    assert started.starter is None  # the challenge stays with its channel, without her key
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
                s.start_challenge(*new(SCOPE, 60 * round_, name, US))
                for s, name in ((left, "left"), (right, "right"))
            )
        )

        winners = [r for r in results if r is not None]
        assert len(winners) == 1, f"round {round_}: {results}"
        running = await right.running_challenge(SCOPE)
        assert running == winners[0]
        assert await left.end_challenge(winners[0].id, at, []) is True
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

SPEC = ScheduleSpec(time(9, 0), "Europe/Berlin", "caching", "n0nce")


def spec(**changes: object) -> ScheduleSpec:
    return replace(SPEC, **changes)  # type: ignore[arg-type]


def daily(day: int, hour: int = 8, scope: Scope = SCOPE) -> NewJob:
    due = NOW.replace(hour=hour) + timedelta(days=day)
    return NewJob(f"daily:{scope}:{due.isoformat()}", "slack", TARGET, DailyDrill(scope), due)


async def test_setting_a_schedule_schedules_its_first_run(store: Store) -> None:
    assert await store.load_schedule(SCOPE) is None
    first = daily(1)

    await store.set_schedule(SCOPE, SPEC, first)

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, first.key)
    assert await store.next_job_due("slack") == first.due_at
    [run] = await claim_all(store, at=first.due_at - NOW)
    assert run == ClaimedJob(run.id, first.key, "slack", TARGET, first.payload, first.due_at, 1)


async def test_setting_a_schedule_again_replaces_it_and_its_pending_run(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1, hour=8))
    other_spec = spec(at=time(7, 0))

    await store.set_schedule(SCOPE, other_spec, daily(1, hour=6))

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, other_spec, daily(1, 6).key)
    runs = await claim_all(store, at=timedelta(days=2))
    assert [j.key for j in runs] == [daily(1, hour=6).key]  # the 08:00 run went


async def test_setting_a_schedule_with_the_same_first_run_key_replaces_that_run(
    store: Store,
) -> None:
    first = daily(1)
    await store.set_schedule(SCOPE, SPEC, first)
    changed = replace(first, payload=DailyDrill(ELSEWHERE))

    await store.set_schedule(SCOPE, SPEC, changed)

    [run] = await claim_all(store, at=timedelta(days=2))
    assert (run.key, run.payload) == (first.key, DailyDrill(ELSEWHERE))


async def test_clearing_a_schedule_cancels_its_pending_run(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    await store.set_schedule(ELSEWHERE, SPEC, daily(2, scope=ELSEWHERE))

    assert await store.clear_schedule(SCOPE) is True
    assert await store.clear_schedule(SCOPE) is False

    assert await store.load_schedule(SCOPE) is None
    assert await store.load_schedule(ELSEWHERE) is not None
    keys = [j.key for j in await claim_all(store, at=timedelta(days=3))]
    assert keys == [daily(2, scope=ELSEWHERE).key]
    assert await store.clear_schedule(channel("T1", "none")) is False


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
    new_spec = spec(topic="sharding")
    await store.set_schedule(SCOPE, new_spec, daily(1, hour=12))  # the held run is not touched

    advanced = await store.advance_schedule(SCOPE, run.key, run.id, "node-a", run.due_at, daily(2))

    assert advanced is False
    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, new_spec, daily(1, 12).key)
    assert await store.finish_job(run.id, "node-a", run.due_at) is False  # it is done
    later = await claim_all(store, at=timedelta(days=5), node="node-b")
    assert [j.key for j in later] == [daily(1, hour=12).key]  # daily(2) was never scheduled


async def test_a_failed_run_is_kept_with_its_schedule_until_a_run_goes_out(store: Store) -> None:
    await store.set_schedule(SCOPE, SPEC, daily(1))
    [run] = await claim_all(store, at=timedelta(days=1))
    failure = PostFailure(
        FailureReason.NO_ACCESS, "Discord 403 50001: Missing Access", run.due_at, 1
    )

    failed = await store.advance_schedule(
        SCOPE, run.key, run.id, "node-a", run.due_at, daily(2), failure
    )

    assert failed is True
    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(2).key, failure)
    assert await store.next_job_due("slack") == daily(2).due_at  # the next run comes anyway
    # Setting the schedule again (a new time) keeps it: only a run that goes out clears it.
    await store.set_schedule(SCOPE, spec(at=time(10, 0)), daily(2, hour=9))
    kept = await store.load_schedule(SCOPE)
    assert kept is not None
    assert kept.failure == failure
    [second] = await claim_all(store, at=timedelta(days=2))
    out = await store.advance_schedule(
        SCOPE, second.key, second.id, "node-a", second.due_at, daily(3)
    )
    assert out is True
    cleared = await store.load_schedule(SCOPE)
    assert cleared is not None
    assert cleared.failure is None


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
    assert keys == [challenge.reveal_key, daily(1).key]


async def test_racing_schedule_changes_leave_one_schedule_with_exactly_its_run(
    database: Database,
) -> None:
    left, right = await database.open(), await database.open()
    for round_ in range(4):
        day = 10 * round_ + 1
        setting = left.set_schedule(SCOPE, spec(nonce="left"), daily(day, hour=6))
        if round_ % 2:  # a set racing a clear of the schedule the last round left
            await asyncio.gather(setting, right.clear_schedule(SCOPE))
        else:  # two sets racing
            righting = right.set_schedule(SCOPE, spec(nonce="right"), daily(day, hour=7))
            await asyncio.gather(setting, righting)

        schedule = await right.load_schedule(SCOPE)
        runs = await claim_all(left, at=timedelta(days=day + 1))
        if schedule is None:
            assert runs == [], f"round {round_}: a run outlived its schedule"
        else:
            assert [r.key for r in runs] == [schedule.job_key], f"round {round_}: {schedule}"
            assert (schedule.spec.nonce, schedule.job_key) in {
                ("left", daily(day, hour=6).key),
                ("right", daily(day, hour=7).key),
            }
        for run in runs:
            assert await left.finish_job(run.id, "node-a", NOW)


async def test_a_first_run_whose_key_is_taken_keeps_the_existing_job(store: Store) -> None:
    existing = replace(daily(1), payload=DailyDrill(ELSEWHERE))
    assert await store.schedule_job(existing)

    await store.set_schedule(SCOPE, SPEC, daily(1))  # a new schedule: nothing to cancel

    assert await store.load_schedule(SCOPE) == StoredSchedule(SCOPE, SPEC, daily(1).key)
    [run] = await claim_all(store, at=timedelta(days=2))
    assert run.payload == DailyDrill(ELSEWHERE)  # an existing key changes nothing
