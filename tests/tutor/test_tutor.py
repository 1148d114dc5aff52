"""The Tutor end to end on a real SQLite file: replies, buttons, scopes, errors, concurrency."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Buttons, Notice, NoticeLevel, Reply, TraceSteps, Visibility
from engine.sim.codec import load_state
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor


def actor(user: str = "alice", channel: str | None = None) -> Actor:
    return Actor("console", "local", user, user, channel)


def trace_block(reply: Reply) -> TraceSteps:
    return next(b for b in reply.blocks if isinstance(b, TraceSteps))


def button_ids(reply: Reply) -> dict[str, str]:
    found = next((b for b in reply.blocks if isinstance(b, Buttons)), Buttons(()))
    return {button.label: button.action_id for button in found.buttons}


def notice(reply: Reply) -> Notice:
    return next(b for b in reply.blocks if isinstance(b, Notice))


async def test_trace_reply_steps_through_buttons(tutor: Tutor) -> None:
    reply = await tutor.handle_text(actor(channel="study"), "/trace GET /u/7")
    block = trace_block(reply)
    assert reply.visibility is Visibility.PUBLIC  # the team sees the warm cache
    assert block.cursor == 0
    assert len(block.steps) == 11
    assert set(button_ids(reply)) == {"Next", "All steps", "Animation"}
    nxt = await tutor.handle_button(actor("bob", "study"), button_ids(reply)["Next"])
    assert trace_block(nxt).cursor == 1
    assert set(button_ids(nxt)) == {"Previous", "Next", "All steps", "Animation"}
    everything = await tutor.handle_button(actor(channel="study"), button_ids(reply)["All steps"])
    assert trace_block(everything).cursor == 10
    assert set(button_ids(everything)) == {"Previous", "Animation"}


async def test_buttons_survive_a_restart(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    store = await SqliteStore.open(tmp_path / "r.db")
    reply = await Tutor(store, content, clock).handle_text(actor(), "/trace GET /u/7")
    await store.close()
    store = await SqliteStore.open(tmp_path / "r.db")
    again = await Tutor(store, content, clock).handle_button(actor(), button_ids(reply)["Next"])
    await store.close()
    assert trace_block(again).steps == trace_block(reply).steps
    assert trace_block(again).cursor == 1


async def test_a_channel_shares_one_cluster_and_dms_do_not(tutor: Tutor) -> None:
    await tutor.handle_text(actor("alice", "study"), "/trace GET /u/7")
    bob = await tutor.handle_text(actor("bob", "study"), "/trace GET /u/7")
    assert "cache HIT" in trace_block(bob).summary
    alone = await tutor.handle_text(actor("bob"), "/trace GET /u/7")
    assert "cache MISS" in trace_block(alone).summary
    assert alone.visibility is Visibility.PRIVATE


async def test_bad_input_gets_usage_and_changes_nothing(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    await tutor.handle_text(actor(), "/trace GET /u/7")
    before = await sqlite_store.load_cluster(actor().cluster_scope)
    for line in (
        "/cluster set servers=0",
        "/cluster kill app-7",
        "/trace FETCH /u/7",
        "/cluster set lb=random",
        "/cluster wait -3",
        "/tarce GET /u/7",
    ):
        reply = await tutor.handle_text(actor(), line)
        assert notice(reply).level is NoticeLevel.WARNING, line
    assert await sqlite_store.load_cluster(actor().cluster_scope) == before


async def test_an_unexpected_failure_is_answered_and_the_tutor_keeps_serving(
    tutor: Tutor, tmp_path: Path
) -> None:
    reply = await tutor.handle_text(actor(), "/trace GET /u/7")
    with sqlite3.connect(tmp_path / "rungs.db") as raw:  # break the real database underneath
        raw.execute("DROP TABLE traces")
    failed = await tutor.handle_button(actor(), button_ids(reply)["Next"])
    assert notice(failed).level is NoticeLevel.ERROR
    assert failed.correlation_id
    assert failed.correlation_id in notice(failed).text
    assert "Traceback" not in notice(failed).text
    shown = await tutor.handle_text(actor(), "/cluster show")
    assert "app-0" in str(shown.blocks)


async def test_concurrent_commands_in_one_channel_lose_nothing(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    replies = await asyncio.gather(
        *(
            tutor.handle_text(actor(f"user{i}", "study"), f"/trace GET /u/{i % 5}")
            for i in range(30)
        )
    )
    numbers = sorted(trace_block(r).trace_no for r in replies)
    assert numbers == list(range(1, 31))
    stored = await sqlite_store.load_cluster(actor(channel="study").cluster_scope)
    assert stored is not None
    assert load_state(stored.document).stats.requests == 30


async def test_two_processes_on_one_file_lose_no_update(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    stores = [await SqliteStore.open(tmp_path / "shared.db") for _ in range(2)]
    tutors = [Tutor(store, content, clock) for store in stores]
    await asyncio.gather(
        *(
            tutors[i % 2].handle_text(actor(f"u{i}", "study"), f"/trace GET /u/{i}")
            for i in range(40)
        )
    )
    stored = await stores[0].load_cluster(actor(channel="study").cluster_scope)
    for store in stores:
        await store.close()
    assert stored is not None
    assert load_state(stored.document).stats.requests == 40


async def test_learn_and_help(tutor: Tutor) -> None:
    card = await tutor.handle_text(actor(), "/learn sticky")
    assert "Statelessness" in str(card.blocks)
    unknown = await tutor.handle_text(actor(), "/learn cachng")
    assert "Did you mean /learn caching?" in notice(unknown).text
    index = await tutor.handle_text(actor(), "/learn")
    assert "/learn data-tier-ladder" in str(index.blocks)


async def test_every_lesson_try_sequence_runs_cleanly(tutor: Tutor, content: Content) -> None:
    for lesson in content.lessons.values():
        learner = actor(f"learner-{lesson.id}"[:40])
        for command in lesson.try_:
            reply = await tutor.handle_text(learner, command)
            assert not reply.is_error, (lesson.id, command, reply.blocks)
