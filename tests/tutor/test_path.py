"""The ladder as a path through the Tutor on a real SQLite file: /drill list and /path, plain
/drill serving the recommended drill with its reason, /progress per topic."""

from __future__ import annotations

from datetime import timedelta

from study_helpers import button_ids, text

from engine.commands import buttons
from engine.ports import FixedClock
from engine.replies import Fields, Heading
from engine.tutor import Actor, Tutor

ALICE = Actor("console", "local", "alice", "alice")
STAGES = [
    "Two ways to scale",
    "Statelessness",
    "Load balancers",
    "Caching",
    "Read replicas",
    "Sharding",
    "Beyond the ladder",
]


async def test_drill_list_and_path_show_every_drill_in_ladder_order(tutor: Tutor) -> None:
    listed = await tutor.handle_text(ALICE, "/drill list")
    assert listed == await tutor.handle_text(ALICE, "/path")
    headings = [b.text for b in listed.blocks if isinstance(b, Heading)][1:]
    assert [h.split(". ", 1)[1].split(":")[0] for h in headings] == STAGES
    rows = [row for b in listed.blocks if isinstance(b, Fields) for row in b.items]
    assert len(rows) == 18
    assert rows[0][0].startswith("a-cpu-at-80 · ")
    assert rows[0][1] == "next on your path · not tried yet"
    assert all(value == "not tried yet" for _, value in rows[1:])
    body = text(listed)
    assert "It is the first rung of the ladder: Two ways to scale." in body
    assert "Read first: /learn queues, /learn cascading-failure, /learn multi-region." in body
    assert button_ids(listed) == {
        "Start: One app server at 80% CPU": buttons.drill_start("a-cpu-at-80")
    }


async def test_plain_drill_serves_the_next_rung_and_says_why(
    tutor: Tutor, clock: FixedClock
) -> None:
    first = await tutor.handle_text(ALICE, "/drill")
    assert "Drill: One app server at 80% CPU" in text(first)
    assert "Next on your path: It is the first rung of the ladder" in text(first)
    await tutor.handle_text(ALICE, "/answer scale up to a bigger instance, profile the CPU first")
    await tutor.handle_text(ALICE, "/reveal")
    await tutor.handle_text(ALICE, "/rate hard")
    second = await tutor.handle_text(ALICE, "/drill")
    assert "Drill: Session storage and statelessness" in text(second)
    assert "the first drill of Statelessness" in text(second)
    # A named drill says nothing about the path.
    await tutor.handle_text(ALICE, "/reveal")
    named = await tutor.handle_text(ALICE, "/drill e07-cdn")
    assert "Next on your path" not in text(named)


async def test_a_weak_drill_from_an_earlier_day_comes_back_first(
    tutor: Tutor, clock: FixedClock
) -> None:
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    await tutor.handle_text(ALICE, "/answer profile it")
    await tutor.handle_text(ALICE, "/reveal")  # weak, not rated: no review booked
    clock.set(clock.now() + timedelta(days=1))
    listed = await tutor.handle_text(ALICE, "/path")
    rows = dict(row for b in listed.blocks if isinstance(b, Fields) for row in b.items)
    assert rows["a-cpu-at-80 · One app server at 80% CPU (easy)"].startswith(
        "next on your path · best 1/10"
    )
    assert "this rung needs another go before you climb on" in text(listed)


async def test_a_running_drill_is_kept_when_plain_drill_recommends_another(
    tutor: Tutor,
) -> None:
    await tutor.handle_text(ALICE, "/drill e07-cdn")
    again = await tutor.handle_text(ALICE, "/drill")
    assert "You already have a drill running: Putting a CDN in front" in text(again)
    assert button_ids(again)["Start the new one"] == buttons.drill_start("a-cpu-at-80", True)


async def test_progress_shows_each_topic_up_the_ladder(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    await tutor.handle_text(ALICE, "/answer profile it, then scale up")
    await tutor.handle_text(ALICE, "/reveal")
    progress = text(await tutor.handle_text(ALICE, "/progress"))
    assert "By topic, up the ladder" in progress
    assert "Two ways to scale: 1 drill, 1 tried; 2 of 10 items covered at best (20%)" in progress
    assert "Caching: 5 drills, none tried yet" in progress


async def test_bad_input_to_drill_list_changes_nothing(tutor: Tutor) -> None:
    reply = await tutor.handle_text(ALICE, "/path now")
    assert text(reply).startswith("Unexpected 'now'.")
    assert await tutor.handle_text(ALICE, "/drill list") == await tutor.handle_text(ALICE, "/path")
