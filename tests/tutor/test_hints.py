"""/hint during a drill, through the Tutor on a real SQLite file: the next nudge (never the
answer), at most three, recorded on the attempt and noted on the reveal."""

from __future__ import annotations

from study_helpers import text

from engine.content.loader import Content
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")


async def test_hints_climb_the_checklist_and_the_reveal_notes_them(
    tutor: Tutor, content: Content, sqlite_store: SqliteStore
) -> None:
    nudges = list(content.study.hints["a-cpu-at-80"].values())
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    first = text(await tutor.handle_text(ALICE, "/hint"))
    assert first.startswith(f"Hint 1 of 3: {nudges[0]}")
    assert "Start your sketch with /answer (2 more this drill" in first
    # Covering the first item moves the next hint past it, and never back to a hinted one.
    await tutor.handle_text(ALICE, "/answer profile it first to confirm it is CPU-bound")
    second = text(await tutor.handle_text(ALICE, "/hint"))
    assert second.startswith(f"Hint 2 of 3: {nudges[1]}")
    assert "Add to your sketch" in second
    third = text(await tutor.handle_text(ALICE, "/hint"))
    assert third.startswith(f"Hint 3 of 3: {nudges[2]}")
    assert "that was the last one for this drill" in third
    used_up = text(await tutor.handle_text(ALICE, "/hint"))
    assert used_up.startswith("That was the last hint: 3 hints a drill.")
    running = await sqlite_store.running_session(ALICE.user_key)
    assert running is not None
    checklist = [item.id for item in content.drills["a-cpu-at-80"].checklist]
    assert running.hints == tuple(checklist[:3])
    await tutor.handle_text(ALICE, "/answer scale up to a bigger instance")
    reveal = text(await tutor.handle_text(ALICE, "/reveal"))
    assert (
        "Hints: You took 3 hints on this drill; 2 of the 3 items they pointed at are covered above."
        in reveal
    )


async def test_a_hint_never_ticks_its_item(tutor: Tutor, content: Content) -> None:
    await tutor.handle_text(ALICE, "/drill e07-cdn")
    hint = text(await tutor.handle_text(ALICE, "/hint")).splitlines()[0]
    await tutor.handle_text(ALICE, "/answer " + hint.split(": ", 1)[1])
    reveal = text(await tutor.handle_text(ALICE, "/reveal"))
    first_label = content.drills["e07-cdn"].checklist[0].label
    assert f"[ ] {first_label}" in reveal
    assert "the item it pointed at is still missing" in reveal


async def test_no_hint_without_a_drill_and_a_reveal_without_hints_says_nothing(
    tutor: Tutor,
) -> None:
    reply = text(await tutor.handle_text(ALICE, "/hint"))
    assert reply.startswith("No drill is running: /hint nudges you during one.")
    assert text(await tutor.handle_text(ALICE, "/hint please")).startswith("Unexpected 'please'.")
    await tutor.handle_text(ALICE, "/drill e07-cdn")
    assert "Hints:" not in text(await tutor.handle_text(ALICE, "/reveal"))
