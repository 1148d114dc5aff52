"""`Tutor.reply_then_save()`: cluster changes answered before they are saved, on a real SQLite
file. The saves keep their order per scope, land in the store, and a conflict or a failure is
logged and reloaded from, never raised."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from engine.commands.incoming import Typed
from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Reply, TraceSteps
from engine.sim.codec import load_state
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor
from engine.tutor.saving import Saving

STUDY = Actor("discord", "g1", "alice", "alice", "study")


def actor(user: str) -> Actor:
    return Actor("discord", "g1", user, user, "study")


def trace_block(reply: Reply) -> TraceSteps:
    return next(b for b in reply.blocks if isinstance(b, TraceSteps))


async def deferred(tutor: Tutor, who: Actor, line: str) -> tuple[Reply, Saving]:
    answered = await tutor.reply_then_save(who, Typed(line))
    return answered.reply, answered.saved


async def turns(count: int) -> None:
    """Let the event loop run `count` times around (tasks just started get going)."""
    for _ in range(count):
        await asyncio.sleep(0)


async def stored_version(store: SqliteStore, scope: str) -> tuple[int, int]:
    """(version, trace_no) of a scope's stored cluster."""
    stored = await store.load_cluster(scope)
    assert stored is not None
    return stored.version, load_state(stored.document).trace_no


async def test_a_deferred_trace_is_in_the_store_after_the_commit(
    tutor: Tutor, tmp_path: Path
) -> None:
    reply, saved = await deferred(tutor, STUDY, "/trace GET /u/7")
    assert trace_block(reply).trace_no == 1
    await saved
    assert saved.done()
    other = await SqliteStore.open(tmp_path / "rungs.db")  # what any other process sees
    try:
        assert await stored_version(other, STUDY.cluster_scope) == (1, 1)
        assert await other.load_trace(STUDY.cluster_scope, 1) is not None
    finally:
        await other.close()


async def test_concurrent_deferred_traces_on_one_scope_save_in_order(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    answers = await asyncio.gather(
        *(deferred(tutor, actor(f"user{i}"), "/trace GET /u/7") for i in range(5))
    )
    # Nobody awaited a save yet: each command still started from the one before it, saved.
    numbers = [trace_block(reply).trace_no for reply, _ in answers]
    assert sorted(numbers) == [1, 2, 3, 4, 5]
    for reply, _ in answers:
        warm = trace_block(reply).trace_no > 1
        assert ("cache HIT" if warm else "cache MISS") in trace_block(reply).summary
    await asyncio.gather(*(saved for _, saved in answers))
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (5, 5)
    for number in range(1, 6):
        assert await sqlite_store.load_trace(STUDY.cluster_scope, number) is not None


async def test_a_forgotten_commit_neither_blocks_the_scope_nor_is_lost(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    await deferred(tutor, STUDY, "/trace GET /u/7")  # its save is never awaited
    after = await tutor.handle_text(actor("bob"), "/trace GET /u/7")  # saves before replying
    assert trace_block(after).trace_no == 2
    assert "cache HIT" in trace_block(after).summary
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (2, 2)


async def test_only_cluster_changes_are_deferred(tutor: Tutor, sqlite_store: SqliteStore) -> None:
    _, saved = await deferred(tutor, STUDY, "/cluster kill app-0")
    await saved
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (1, 0)
    _, saved = await deferred(tutor, STUDY, "/drill a-cpu-at-80")
    assert saved.done()  # a drill is progress: saved before the reply, nothing pending
    assert await sqlite_store.running_session(STUDY.user_key) is not None
    shown, saved = await deferred(tutor, STUDY, "/cluster show")
    assert saved.done()
    assert "app-0" in str(shown.blocks)


async def test_a_conflicting_save_is_logged_and_the_next_command_reloads(
    tutor: Tutor,
    sqlite_store: SqliteStore,
    tmp_path: Path,
    content: Content,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, saved = await deferred(tutor, STUDY, "/trace GET /u/7")
    await saved  # version 1, warm in this Tutor's cache
    other_store = await SqliteStore.open(tmp_path / "rungs.db")  # another process
    try:
        other = await Tutor(other_store, content, clock).handle_text(
            actor("bob"), "/trace GET /u/8"
        )
    finally:
        await other_store.close()
    assert trace_block(other).trace_no == 2  # saved as version 2 behind this Tutor's back
    with caplog.at_level(logging.WARNING, logger="engine.tutor"):
        stale, saved = await deferred(tutor, STUDY, "/trace GET /u/9")
        assert trace_block(stale).trace_no == 2  # answered from the stale cache
        await saved  # does not raise
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(STUDY.cluster_scope) in warning.getMessage()
    assert "[ref " in warning.getMessage()
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (2, 2)  # bob's stands
    fresh, saved = await deferred(tutor, STUDY, "/trace GET /u/8")
    await saved
    assert trace_block(fresh).trace_no == 3
    assert "cache HIT" in trace_block(fresh).summary  # bob's request, read back from the store
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (3, 3)


async def test_the_reply_comes_before_the_save_completes(
    tutor: Tutor, sqlite_store: SqliteStore, tmp_path: Path
) -> None:
    locker = sqlite3.connect(tmp_path / "rungs.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the database for a while
    try:
        reply, saved = await asyncio.wait_for(deferred(tutor, STUDY, "/trace GET /u/7"), 2)
        assert trace_block(reply).trace_no == 1
        await turns(5)  # the save has started, and waits for the write lock: it cannot land
        assert not saved.done()  # while another writer holds the file; the reply did not wait
    finally:
        locker.execute("COMMIT")
        locker.close()
    await asyncio.wait_for(asyncio.ensure_future(saved), 5)
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (1, 1)


async def test_a_failed_save_is_logged_and_the_next_command_reloads(
    tmp_path: Path, content: Content, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    # A short busy timeout, so that the held lock below fails the save quickly.
    sqlite_store = await SqliteStore.open(
        tmp_path / "rungs.db", busy_timeout=timedelta(seconds=0.2)
    )
    tutor = Tutor(sqlite_store, content, clock)
    _, saved = await deferred(tutor, STUDY, "/trace GET /u/7")
    await saved
    locker = sqlite3.connect(tmp_path / "rungs.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # held past the store's busy timeout
    try:
        with caplog.at_level(logging.ERROR, logger="engine.tutor"):
            lost, saved = await deferred(tutor, STUDY, "/trace GET /u/8")
            assert trace_block(lost).trace_no == 2
            await asyncio.wait_for(asyncio.ensure_future(saved), 10)  # does not raise
    finally:
        locker.execute("COMMIT")
        locker.close()
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "[ref " in error.getMessage()
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (1, 1)
    again, saved = await deferred(tutor, STUDY, "/trace GET /u/9")
    await saved
    assert trace_block(again).trace_no == 2  # from the store, not from the unsaved change
    assert await stored_version(sqlite_store, STUDY.cluster_scope) == (2, 2)
    await sqlite_store.close()


async def test_a_runner_shutting_down_waits_for_the_saves_still_running(
    tutor: Tutor, tmp_path: Path
) -> None:
    # Hold the file's write lock so the save cannot finish before the "shutdown" begins.
    holder = sqlite3.connect(tmp_path / "rungs.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    reply, saved = await deferred(tutor, STUDY, "/trace GET /u/7")
    assert trace_block(reply).trace_no == 1
    shutdown = asyncio.create_task(tutor.saved())  # what bot.runtime awaits before closing
    await turns(5)
    assert not shutdown.done()  # the save cannot land while the file is locked
    holder.execute("COMMIT")
    holder.close()
    await asyncio.wait_for(shutdown, 10)
    assert saved.done()
    other = await SqliteStore.open(tmp_path / "rungs.db")
    try:
        assert await stored_version(other, STUDY.cluster_scope) == (1, 1)
    finally:
        await other.close()
