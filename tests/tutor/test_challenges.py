"""Timed team challenges through the Tutor on a real SQLite file, with a fixed clock: start,
join, private answers, status, early end, the reveal by the sweeper, the leaderboard."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from team_helpers import Collector, button_ids, is_warning, member, sweeper, text_of

from engine.commands.buttons import answer_form
from engine.content.loader import Content
from engine.ports import FixedClock, UserSettings
from engine.replies import Deadline, Visibility
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

ALICE, BOB, CAROL = member("alice"), member("bob"), member("carol")
CPU_SKETCH = (
    "Profile first, watch p99 latency; 80% leaves no headroom. Scale up to a bigger instance, "
    "cache hot results, fix N+1 queries."
)
LB_SKETCH = "Then scale out behind a load balancer with stateless servers, sessions in Redis."


async def start(tutor: Tutor, line: str = "/challenge start a-cpu-at-80 2m") -> int:
    reply = await tutor.handle_text(ALICE, line)
    assert reply.visibility is Visibility.PUBLIC, text_of(reply)
    form = answer_form(button_ids(reply)["Answer"])
    assert form is not None
    assert form.challenge_id is not None
    return form.challenge_id


async def test_a_whole_challenge_revealed_at_its_deadline(tutor: Tutor, clock: FixedClock) -> None:
    started = await tutor.handle_text(ALICE, "/challenge start a-cpu-at-80 2m")
    assert "Team challenge: One app server at 80% CPU" in text_of(started)
    deadline = next(b for b in started.blocks if isinstance(b, Deadline)).at
    assert deadline == clock.now() + timedelta(minutes=2)
    ids = button_ids(started)
    assert set(ids) == {"Join", "Answer"}
    assert all(len(i) <= 100 for i in ids.values())

    joined = await tutor.handle_button(BOB, ids["Join"])
    assert "You're in" in text_of(joined)
    assert joined.visibility is Visibility.PRIVATE
    mine = await tutor.handle_text(ALICE, f"/answer {CPU_SKETCH}")  # answering joins her
    assert mine.visibility is Visibility.PRIVATE
    assert "Nobody sees it before the reveal" in text_of(mine)
    form = answer_form(ids["Answer"])
    assert form is not None
    bobs = await tutor.handle_options(BOB, "answer", None, {"text": LB_SKETCH, **form.options})
    assert CPU_SKETCH not in text_of(bobs)
    await tutor.handle_text(CAROL, "/challenge join")

    clock.set(clock.now() + timedelta(seconds=30))
    status = await tutor.handle_text(CAROL, "/challenge status")
    assert status.visibility is Visibility.PUBLIC
    assert "alice: answered" in text_of(status)
    assert "bob: answered" in text_of(status)
    assert "carol: joined, no answer yet" in text_of(status)
    assert CPU_SKETCH not in text_of(status)
    assert LB_SKETCH not in text_of(status)

    collector = Collector()
    assert await sweeper(tutor, collector).sweep_once() == 0  # not due yet
    clock.set(deadline + timedelta(seconds=1))
    assert await sweeper(tutor, collector).sweep_once() == 1
    [reveal] = collector.delivered
    assert (reveal.channel_id, reveal.user_id, reveal.late) == ("study", None, False)
    assert reveal.job_key.startswith("challenge:")
    text = text_of(reveal.reply)
    assert reveal.reply.visibility is Visibility.PUBLIC
    assert "together you covered" in text
    assert "alice: covered" in text
    assert "bob: covered" in text
    assert "carol: no answer" in text
    assert "Nobody covered: " in text
    assert "For the team: " in text
    assert "covered by alice" in text
    assert await sweeper(tutor, collector, "node-b").sweep_once() == 0  # delivered once

    board = text_of(await tutor.handle_text(BOB, "/leaderboard"))
    assert "1. alice" in board
    assert "points" in board
    assert "No team challenge is running here" in text_of(
        await tutor.handle_text(ALICE, "/challenge status")
    )


async def test_only_the_starter_or_an_admin_ends_early(tutor: Tutor, clock: FixedClock) -> None:
    await start(tutor)
    await tutor.handle_text(BOB, f"/answer {LB_SKETCH}")
    refused = await tutor.handle_text(BOB, "/challenge end")
    assert is_warning(refused)
    assert "Only the one who started it" in text_of(refused)
    ended = await tutor.handle_text(member("dana", admin=True), "/challenge end")
    assert "ended early by dana" in text_of(ended)
    assert ended.visibility is Visibility.PUBLIC
    clock.set(clock.now() + timedelta(minutes=5))
    collector = Collector()
    await sweeper(tutor, collector).sweep_once()
    assert collector.delivered == []  # the reveal job went with the early end

    await start(tutor, "/challenge start c-lb-ha 1m")
    assert "ended early by alice" in text_of(await tutor.handle_text(ALICE, "/challenge end"))


async def test_old_buttons_cannot_act_on_a_newer_challenge(tutor: Tutor) -> None:
    first = await tutor.handle_text(ALICE, "/challenge start a-cpu-at-80 1m")
    await tutor.handle_text(ALICE, "/challenge end")
    await start(tutor, "/challenge start c-lb-ha 1m")
    stale_join = await tutor.handle_button(BOB, button_ids(first)["Join"])
    assert "That challenge has ended" in text_of(stale_join)
    form = answer_form(button_ids(first)["Answer"])
    assert form is not None
    stale = await tutor.handle_options(BOB, "answer", None, {"text": "hi", **form.options})
    assert "That challenge has ended" in text_of(stale)
    # Without a form (the console), the Answer button joins the challenge it names.
    assert "has ended" in text_of(await tutor.handle_button(BOB, button_ids(first)["Answer"]))


async def test_one_challenge_per_channel_and_none_in_a_dm(tutor: Tutor) -> None:
    await start(tutor)
    again = await tutor.handle_text(BOB, "/challenge start")
    assert "already running here" in text_of(again)
    in_dm = await tutor.handle_text(member("bob", None), "/challenge start")
    assert is_warning(in_dm)
    assert "runs in a channel" in text_of(in_dm)
    elsewhere = await tutor.handle_text(member("bob", "other"), "/challenge start caching 90s")
    assert "Team challenge" in text_of(elsewhere)
    unknown = await tutor.handle_text(member("bob", "third"), "/challenge start chaching")
    assert "Did you mean /challenge start caching?" in text_of(unknown)
    too_short = await tutor.handle_text(member("bob", "third"), "/challenge start 5s")
    assert "from 10s to 60m" in text_of(too_short)


async def test_answers_close_at_the_deadline(tutor: Tutor, clock: FixedClock) -> None:
    await start(tutor, "/challenge start a-cpu-at-80 30s")
    await tutor.handle_text(BOB, "/answer in time")
    clock.set(clock.now() + timedelta(seconds=30))
    late = await tutor.handle_text(BOB, "/answer too late")
    assert "Time is up" in text_of(late)
    assert "the reveal is on its way" in text_of(await tutor.handle_text(BOB, "/challenge"))
    # Past the deadline, anyone may post the overdue reveal.
    assert "together you covered" in text_of(await tutor.handle_text(BOB, "/challenge end"))


async def test_a_personal_drill_keeps_its_answers_until_you_join(tutor: Tutor) -> None:
    await tutor.handle_text(BOB, "/drill c-lb-ha")
    await start(tutor)
    to_drill = await tutor.handle_text(BOB, "/answer keepalived and a floating ip")
    assert "Added to your sketch" in text_of(to_drill)
    assert "/challenge join" in text_of(to_drill)
    await tutor.handle_text(BOB, "/challenge join")
    to_team = await tutor.handle_text(BOB, "/answer scale up first")
    assert "for the team challenge" in text_of(to_team)


async def test_a_late_reveal_says_so(tutor: Tutor, clock: FixedClock) -> None:
    await start(tutor, "/challenge start a-cpu-at-80 1m")
    await tutor.handle_text(BOB, f"/answer {CPU_SKETCH}")
    clock.set(clock.now() + timedelta(minutes=11))
    collector = Collector()
    await sweeper(tutor, collector).sweep_once()
    [reveal] = collector.delivered
    assert reveal.late
    assert "Late by 10m 00s" in text_of(reveal.reply)
    assert "bob: covered" in text_of(reveal.reply)


async def test_leaderboard_periods_and_opting_out(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    start_time = clock.now()
    await start(tutor)
    await tutor.handle_text(BOB, f"/answer {CPU_SKETCH}")
    await tutor.handle_text(ALICE, "/challenge end")
    clock.set(start_time + timedelta(days=8))
    await start(tutor, "/challenge start c-lb-ha 1m")
    await tutor.handle_text(CAROL, "/answer keepalived, a floating virtual ip, health checks")
    await tutor.handle_text(ALICE, "/challenge end")

    week = text_of(await tutor.handle_text(ALICE, "/leaderboard week"))
    every = text_of(await tutor.handle_text(ALICE, "/leaderboard all"))
    assert "carol" in week
    assert "bob" not in week
    assert "carol" in every
    assert "bob" in every
    assert "this week (since Monday" in text_of(await tutor.handle_text(ALICE, "/leaderboard"))

    hidden = await tutor.handle_text(BOB, "/settings leaderboard=off")
    assert "Saved" in text_of(hidden)
    assert "leaderboard: off" in text_of(await tutor.handle_text(BOB, "/settings"))
    mine = text_of(await tutor.handle_text(BOB, "/leaderboard all"))
    assert "bob" not in mine.split("You are hidden")[0]
    assert "You are hidden" in mine
    await tutor.handle_text(BOB, "/settings leaderboard=on")
    assert "bob" in text_of(await tutor.handle_text(ALICE, "/leaderboard all"))
    assert await sqlite_store.load_settings(BOB.user_key) == UserSettings(None, True)


async def test_answers_from_two_nodes_at_once_all_land(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    stores = [await SqliteStore.open(tmp_path / "two.db") for _ in range(2)]
    tutors = [Tutor(store, content, clock) for store in stores]
    try:
        challenge_id = await start(tutors[0])
        await tutors[1].handle_text(BOB, "/challenge join")
        pieces = [f"piece {n}" for n in range(16)]
        replies = await asyncio.gather(
            *(tutors[n % 2].handle_text(BOB, f"/answer {p}") for n, p in enumerate(pieces))
        )
        assert not any(is_warning(r) for r in replies), [text_of(r) for r in replies]
        [entry] = await stores[0].challenge_entries(challenge_id)
    finally:
        for store in stores:
            await store.close()
    assert sorted(entry.answer.split("\n")) == sorted(pieces)


async def test_one_point_is_one_point_in_the_reveal(tutor: Tutor) -> None:
    await start(tutor)
    await tutor.handle_text(ALICE, "/answer scale up to a bigger instance")
    ended = text_of(await tutor.handle_text(ALICE, "/challenge end"))
    assert "alice: covered 1/10 · 1 point\n" in ended + "\n", ended
    assert "1 points" not in ended
