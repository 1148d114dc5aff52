"""The drill flow through the Tutor on a real SQLite file: start, answer, reveal, rate, progress,
settings, forget-me; bad input; restarts; concurrency."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Buttons, Checklist, Heading, Notice, NoticeLevel, Paragraph, Reply
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")
STRONG_A = (
    "Profile first to confirm it is CPU-bound, watch p99 latency. 80% leaves no headroom: "
    "queueing grows near saturation. Cheapest move: scale up to a bigger instance. Also cache "
    "hot results, fix N+1 queries. It stops at the hardware ceiling and the cost grows faster "
    "than capacity; one box is a single point of failure and resizing means downtime. Next, "
    "scale out behind a load balancer with stateless servers, sessions in Redis. More servers "
    "mean more DB connections, so add pgbouncer. Autoscale at a 70% target."
)


def text_of(reply: Reply) -> str:
    parts = []
    for block in reply.blocks:
        if isinstance(block, Heading | Notice):
            parts.append(block.text)
        elif isinstance(block, Paragraph):
            parts.append("".join(s.text for s in block.spans))
    return "\n".join(parts)


def checklist(reply: Reply) -> Checklist:
    return next(b for b in reply.blocks if isinstance(b, Checklist))


def is_warning(reply: Reply) -> bool:
    return any(isinstance(b, Notice) and b.level is not NoticeLevel.INFO for b in reply.blocks)


async def test_drill_answer_reveal_rate_progress(tutor: Tutor, clock: FixedClock) -> None:
    started = await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    assert "80% CPU" in text_of(started)
    assert {b.label for b in next(x for x in started.blocks if isinstance(x, Buttons)).buttons} == {
        "Answer",
        "Reveal",
    }
    half = len(STRONG_A) // 2
    await tutor.handle_text(ALICE, f"/answer {STRONG_A[:half]}")
    await tutor.handle_text(ALICE, f"/answer {STRONG_A[half:]}")
    clock.set(clock.now() + timedelta(minutes=3))
    reveal = await tutor.handle_text(ALICE, "/reveal")
    items = checklist(reveal).items
    covered = sum(i.covered for i in items)
    assert f"covered {covered}/{len(items)}" in text_of(reveal)
    assert covered >= 8
    sketch = " ".join(STRONG_A.split())
    assert all(i.quote and i.quote.rstrip("…") in sketch for i in items if i.covered)
    assert "4m 00s of the suggested time left" in text_of(reveal)
    assert "Follow-up: " in text_of(reveal)
    rated = await tutor.handle_text(ALICE, "/rate good")
    assert "rated good" in text_of(rated)
    assert "Next review of" in text_of(rated)
    progress = text_of(await tutor.handle_text(ALICE, "/progress"))
    assert "Your progress" in progress
    assert is_warning(await tutor.handle_text(ALICE, "/rate good"))  # each drill rated once


async def test_reveal_without_answer_and_late(tutor: Tutor, clock: FixedClock) -> None:
    await tutor.handle_text(ALICE, "/drill c-lb-ha")
    clock.set(clock.now() + timedelta(minutes=30))
    reveal = await tutor.handle_text(ALICE, "/reveal")
    assert "covered 0/" in text_of(reveal)
    assert "after the suggested time" in text_of(reveal)
    assert "without a sketch" in text_of(reveal)


async def test_a_double_reveal_reveals_once(tutor: Tutor, sqlite_store: SqliteStore) -> None:
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    first, second = await asyncio.gather(
        tutor.handle_text(ALICE, "/reveal"), tutor.handle_text(ALICE, "/reveal")
    )
    assert "covered" in text_of(first)
    assert "already revealed" in text_of(second)
    assert len(await sqlite_store.sessions(ALICE.user_key, 10)) == 1


async def test_bad_input_gets_a_clear_message_and_changes_nothing(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    for line, expected in (
        ("/answer a sketch", "No drill is running"),
        ("/reveal", "No drill is running"),
        ("/rate good", "right after its /reveal"),
        ("/drill no-such-drill", "no drill or topic"),
        ("/drill chaching", "Did you mean /drill caching?"),
        ("/rate meh", "not one of again, hard, good, easy"),
        ("/settings tz=Mars/Olympus", "not a time zone"),
    ):
        reply = await tutor.handle_text(ALICE, line)
        assert is_warning(reply), line
        assert expected in text_of(reply), (line, text_of(reply))
    assert await sqlite_store.latest_session(ALICE.user_key) is None
    assert await sqlite_store.load_settings(ALICE.user_key) is None


async def test_one_running_drill_and_starting_another_asks_first(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    asked = await tutor.handle_text(ALICE, "/drill c-lb-ha")
    assert "already have a drill running" in text_of(asked)
    await tutor.handle_text(ALICE, "/answer still the first one")
    replaced = await tutor.handle_text(ALICE, "/drill c-lb-ha confirm")
    assert "load balancer" in text_of(replaced).lower()


async def test_numeric_drills_draw_their_numbers_per_attempt(
    tutor: Tutor, clock: FixedClock
) -> None:
    prompts = set()
    for minute in range(8):
        clock.set(clock.now() + timedelta(minutes=minute))
        prompts.add(text_of(await tutor.handle_text(ALICE, "/drill b-read-ladder confirm")))
    assert len(prompts) > 1
    assert all("{" not in p for p in prompts)


async def test_progress_survives_a_restart_and_forget_me_empties_it(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    store = await SqliteStore.open(tmp_path / "p.db")
    tutor = Tutor(store, content, clock)
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    await tutor.handle_text(ALICE, f"/answer {STRONG_A}")
    await tutor.handle_text(ALICE, "/reveal")
    await tutor.handle_text(ALICE, "/rate hard")
    await tutor.handle_text(ALICE, "/settings tz=Europe/Berlin")
    await store.close()

    store = await SqliteStore.open(tmp_path / "p.db")
    tutor = Tutor(store, content, clock)
    progress = text_of(await tutor.handle_text(ALICE, "/progress"))
    assert "Drills done" in str((await tutor.handle_text(ALICE, "/progress")).blocks)
    assert "No drills yet" not in progress
    asked = await tutor.handle_text(ALICE, "/forget-me")
    assert "/forget-me confirm" in text_of(asked)
    assert await store.latest_session(ALICE.user_key) is not None  # asking deletes nothing
    await tutor.handle_text(ALICE, "/trace GET /u/7")  # her own practice cluster
    assert await store.load_cluster(ALICE.own_scope) is not None
    done = await tutor.handle_text(ALICE, "/forget-me confirm")
    assert "about you deleted" in text_of(done)
    assert await store.load_cluster(ALICE.own_scope) is None
    assert "No drills yet" in text_of(await tutor.handle_text(ALICE, "/progress"))
    assert await store.reviews(ALICE.user_key) == []
    assert await store.load_settings(ALICE.user_key) is None
    await store.close()


async def test_due_review_is_served_by_drill_due(tutor: Tutor, clock: FixedClock) -> None:
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    await tutor.handle_text(ALICE, "/reveal")
    await tutor.handle_text(ALICE, "/rate again")
    assert "No review is due" in text_of(await tutor.handle_text(ALICE, "/drill due"))
    clock.set(clock.now() + timedelta(days=2))
    due = await tutor.handle_text(ALICE, "/drill due")
    assert "80% CPU" in text_of(due)


async def test_concurrent_answers_from_two_nodes_lose_nothing(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    stores = [await SqliteStore.open(tmp_path / "c.db") for _ in range(2)]
    tutors = [Tutor(store, content, clock) for store in stores]
    await tutors[0].handle_text(ALICE, "/drill a-cpu-at-80")
    await asyncio.gather(*(tutors[i % 2].handle_text(ALICE, f"/answer part{i}") for i in range(20)))
    running = await stores[0].running_session(ALICE.user_key)
    for store in stores:
        await store.close()
    assert running is not None
    assert sorted(running.answer.split("\n")) == sorted(f"part{i}" for i in range(20))


def button_id(reply: Reply, label: str) -> str:
    found = next(b for b in reply.blocks if isinstance(b, Buttons))
    return next(b.action_id for b in found.buttons if b.label == label)


async def test_an_old_rating_button_cannot_rate_a_newer_drill(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    first = await tutor.handle_text(ALICE, "/reveal")
    started = await tutor.handle_text(ALICE, "/drill c-lb-ha")
    second = await tutor.handle_button(ALICE, button_id(started, "Reveal"))
    stale = await tutor.handle_button(ALICE, button_id(first, "Good"))
    assert "belongs to an earlier drill" in text_of(stale)
    rated = await tutor.handle_button(ALICE, button_id(second, "Hard"))
    assert "Next review of" in text_of(rated)
    assert "load balancer" in text_of(rated).lower()
