"""/review misses through the Tutor on a real SQLite file: only the items missed most, a
focused prompt each, answers scored against that item alone, until each is covered once."""

from __future__ import annotations

from datetime import timedelta

from study_helpers import text

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")


async def miss_everything(tutor: Tutor, clock: FixedClock, drill: str, times: int = 1) -> None:
    for _ in range(times):
        await tutor.handle_text(ALICE, f"/drill {drill}")
        await tutor.handle_text(ALICE, "/reveal")
        clock.set(clock.now() + timedelta(minutes=5))


async def test_the_most_missed_items_come_first_and_each_is_covered_once(
    tutor: Tutor, clock: FixedClock, content: Content, sqlite_store: SqliteStore
) -> None:
    await miss_everything(tutor, clock, "e07-cdn")
    await miss_everything(tutor, clock, "a-cpu-at-80", times=2)  # missed twice: asked first
    started = text(await tutor.handle_text(ALICE, "/review misses"))
    assert started.startswith("A review of your misses: the 5 items you missed most")
    cpu = content.drills["a-cpu-at-80"]
    hints = content.study.hints["a-cpu-at-80"]
    assert "One app server at 80% CPU (missed 2 times)" in started
    assert hints[cpu.checklist[0].id] in started
    # A wrong answer sends the item to the back; the next one is asked.
    wrong = text(await tutor.handle_text(ALICE, "/answer bananas"))
    assert wrong.startswith(f"Not yet: {cpu.checklist[0].label}.")
    assert hints[cpu.checklist[1].id] in wrong
    right = text(await tutor.handle_text(ALICE, "/answer scale up to a bigger instance first"))
    assert right.startswith(f"Covered: {cpu.checklist[1].label}")
    assert "Review of misses: 1 of 5 covered" in right
    # Showing it again changes nothing; skipping moves the item to the back.
    shown = text(await tutor.handle_text(ALICE, "/review"))
    assert hints[cpu.checklist[2].id] in shown
    skipped = text(await tutor.handle_text(ALICE, "/review skip"))
    assert hints[cpu.checklist[3].id] in skipped
    stopped = text(await tutor.handle_text(ALICE, "/review stop"))
    assert stopped == "Review of misses stopped: 1 of 5 items covered."
    assert await sqlite_store.load_miss_review(ALICE.user_key) is None


async def test_a_review_runs_to_its_end(tutor: Tutor, clock: FixedClock) -> None:
    await miss_everything(tutor, clock, "a-cpu-at-80")
    answers = {
        "profile": "profile it first to confirm it is CPU-bound",
        "scale up": "scale up to a bigger instance",
        "bursts": "queueing delay grows steeply near saturation, with no headroom for spikes",
        "software": "cache hot results and fix the N+1 queries",
        "ceiling": "there is a largest instance and prices grow faster than capacity",
    }
    await tutor.handle_text(ALICE, "/review misses")
    last = ""
    for answer in answers.values():
        last = text(await tutor.handle_text(ALICE, f"/answer {answer}"))
    assert "Review of misses done: 5 items covered, in 5 answers." in last
    assert "/drill serves the next drill on your path" in last
    again = text(await tutor.handle_text(ALICE, "/answer more"))
    assert again.startswith("No drill is running.")


async def test_nothing_to_review_and_a_running_drill_come_first(
    tutor: Tutor, clock: FixedClock
) -> None:
    assert text(await tutor.handle_text(ALICE, "/review misses")).startswith("Nothing missed yet")
    assert text(await tutor.handle_text(ALICE, "/review skip")).startswith("No review of misses")
    assert text(await tutor.handle_text(ALICE, "/review redo")).startswith("/review has no 'redo'")
    await miss_everything(tutor, clock, "e07-cdn")
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    refused = text(await tutor.handle_text(ALICE, "/review misses"))
    assert refused.startswith("You have a drill running: /reveal it first")
    # With a drill running, an answer goes to the drill even while a review is kept.
    await tutor.handle_text(ALICE, "/reveal")
    await tutor.handle_text(ALICE, "/review misses")
    await tutor.handle_text(ALICE, "/drill e07-cdn")
    assert text(await tutor.handle_text(ALICE, "/answer a cdn")).startswith("Added to your sketch")


async def test_a_drill_started_during_the_review_says_the_review_waits(
    tutor: Tutor, clock: FixedClock
) -> None:
    await miss_everything(tutor, clock, "a-cpu-at-80")
    plain = text(await tutor.handle_text(ALICE, "/drill e07-cdn"))
    assert "review of misses waits" not in plain  # no review yet: nothing to say
    await tutor.handle_text(ALICE, "/reveal")
    await tutor.handle_text(ALICE, "/review misses")
    started = text(await tutor.handle_text(ALICE, "/drill e05-sessions"))
    assert started.startswith("Drill: Session storage and statelessness")
    assert (
        "Your review of misses waits: /answer goes to this drill until its /reveal, then "
        "/review asks its item again."
    ) in started
    assert "Added to your sketch" in text(await tutor.handle_text(ALICE, "/answer scale up"))
    await tutor.handle_text(ALICE, "/reveal")
    assert "Review of misses: 0 of 5 covered" in text(await tutor.handle_text(ALICE, "/review"))
