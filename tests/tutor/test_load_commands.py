"""/load, /scenario, /climb and a reveal's "see it under load", through Tutor.handle on a real
SQLite file: what the user reads, that bad input changes nothing, and that a climb survives a
restart of the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.console.render import render
from engine.commands import buttons
from engine.commands import types as t
from engine.commands.buttons import read_button
from engine.commands.incoming import Pressed
from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Button, Buttons, Notice, NoticeLevel, Preformatted, Reply, Visibility
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def console_actor(user: str, channel: str | None = None) -> Actor:
    return Actor("console", "local", user, user, channel)


ALICE = console_actor("alice")
TEAM_A = console_actor("alice", "study")
TEAM_B = console_actor("bob", "study")


def text(reply: Reply) -> str:
    return render(reply, NOW)


def buttons_of(reply: Reply) -> list[Button]:
    return [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]


def table(reply: Reply) -> str:
    return next(b.text for b in reply.blocks if isinstance(b, Preformatted))


async def test_load_names_what_breaks_first_and_the_next_rung(tutor: Tutor) -> None:
    reply = await tutor.handle_text(ALICE, "/load 50k reads=100:1")

    assert not reply.is_error
    shown = text(reply)
    assert "50k requests/s, reads 100:1" in shown
    assert "app servers" in table(reply)
    assert "◀ breaks first" in table(reply)
    assert "The app servers break first" in shown
    assert "Scale the app servers out (3 -> " in shown
    assert "cache hit ratio" in shown
    assert "Bill today: $" in shown


async def test_load_runs_on_the_channels_own_cluster(tutor: Tutor) -> None:
    await tutor.handle_text(TEAM_A, "/cluster set servers=8 cache=10000")
    reply = await tutor.handle_text(TEAM_B, "/load 5000")

    assert reply.visibility is Visibility.PUBLIC
    app = next(line for line in table(reply).splitlines() if line.startswith("app servers"))
    assert app.split()[2] == "8"  # the eight servers the teammate set
    mine = await tutor.handle_text(ALICE, "/load 5000")
    assert (
        next(line for line in table(mine).splitlines() if "app servers" in line).split()[2] == "3"
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("/load 0", "The rate must be from 1 to 10,000,000 requests per second."),
        ("/load 10^12", "The rate must be from 1 to 10,000,000 requests per second."),
        ("/load 5000 reads=1:0", "Both sides of reads=R:W must be from 1 to 100,000"),
        ("/load 5000 zipf=-1", "Zipf must be from 0 (every key alike) to 3 (very skewed)."),
        ("/load 5000 keys=0", "Keys must be from 1 to 10,000,000."),
        ("/load 5000 for=2d", "Write for= as a duration like 90s, 10m or 1h"),
        ("/load lots", "The rate 'lots' is not a number"),
        ("/load 5000 colour=red", "'colour=red' is not an option; use reads=, keys=, zipf=, for=."),
        ("/load 5000 reads=1:1 reads=2:1", "reads= is given twice."),
        ("/load", "Missing <rate>."),
        ("/scenario nope", "There is no scenario 'nope'."),
        ("/scenario cache-restat", "Did you mean /scenario cache-restart?"),
    ],
)
async def test_bad_input_gets_one_line_and_changes_nothing(
    tutor: Tutor, sqlite_store: SqliteStore, line: str, reason: str
) -> None:
    before = await sqlite_store.load_cluster(ALICE.cluster_scope)

    reply = await tutor.handle_text(ALICE, line)

    [notice] = [b for b in reply.blocks if isinstance(b, Notice)]
    assert reply.is_error
    assert notice.level is not NoticeLevel.INFO
    assert reason in notice.text
    assert "\n" not in notice.text
    assert await sqlite_store.load_cluster(ALICE.cluster_scope) == before
    assert await sqlite_store.load_climb(ALICE.cluster_scope) is None


async def test_structured_options_meet_the_same_checks(tutor: Tutor) -> None:
    good = await tutor.handle_options(ALICE, "load", None, {"rate": "2000", "reads": "10:1"})
    bad = await tutor.handle_options(ALICE, "load", None, {"rate": "2000", "zipf": "9"})

    assert "2k requests/s, reads 10:1" in text(good)
    assert bad.is_error
    assert "Zipf must be from 0" in text(bad)


async def test_scenario_lists_them_and_replays_one_exactly(tutor: Tutor, content: Content) -> None:
    listed = text(await tutor.handle_text(ALICE, "/scenario"))
    for scenario_id in content.load.scenarios:
        assert scenario_id in listed

    first = await tutor.handle_text(TEAM_A, "/scenario retry-storm")
    again = await tutor.handle_text(TEAM_B, "/scenario retry-storm")

    assert first == again  # a fixed seed: a teammate sees the same run
    shown = text(first)
    assert "seed" in shown
    assert "metastable" in shown.lower()
    assert "Sources:" in shown
    assert "  t s   req/s" in shown


async def test_a_reveal_offers_its_drill_under_load_with_the_drawn_numbers(
    tutor: Tutor,
) -> None:
    await tutor.handle_text(ALICE, "/drill b-read-ladder")
    await tutor.handle_text(ALICE, "/answer a cache, then read replicas")
    revealed = await tutor.handle_text(ALICE, "/reveal")

    [button] = [b for b in buttons_of(revealed) if b.label == "See it under load"]
    line = next(p for p in text(revealed).splitlines() if p.startswith("See it under load: /load "))
    shown = await tutor.handle(ALICE, Pressed(button.action_id))

    assert not shown.is_error
    command = line.split(": ", 1)[1].split(". ", 1)[0]  # e.g. /load 40000 reads=200:1
    rate, reads = command.split()[1], command.split()[2].split("=")[1]
    assert f"reads {reads}" in text(shown)
    assert "Your drawn traffic" in text(shown)
    assert int(rate) >= 1000
    # Another user pressing that button finds nothing of theirs.
    other = await tutor.handle(console_actor("mallory"), Pressed(button.action_id))
    assert other.is_error
    assert "not for one of your drills" in text(other)


async def test_the_seeds_scenario_drills_run_their_scenario(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill c-lb-ha")
    revealed = await tutor.handle_text(ALICE, "/reveal")
    [button] = [b for b in buttons_of(revealed) if b.label == "See it under load"]

    shown = text(await tutor.handle(ALICE, Pressed(button.action_id)))

    assert "The only balancer dies" in shown
    assert "See it under load:" in shown


async def climb_until_it_breaks(tutor: Tutor, actor: Actor) -> Reply:
    reply = await tutor.handle_text(actor, "/climb")
    for _ in range(10):
        if any(":cr:" in b.action_id for b in buttons_of(reply)):  # it holds: raise
            reply = await tutor.handle_text(actor, "/climb raise")
        else:
            return reply
    raise AssertionError("the default cluster held every step without a rung")


async def test_a_team_climbs_one_game_with_buttons_and_a_stale_button_does_nothing(
    tutor: Tutor,
) -> None:
    broken = await climb_until_it_breaks(tutor, TEAM_A)
    picks = [b for b in buttons_of(broken) if ":cp:" in b.action_id]
    assert picks, "a breaking step offers rungs as buttons"
    fix = next(b for b in picks if b.label == "Scale the app servers out")

    after = await tutor.handle(TEAM_B, Pressed(fix.action_id))  # a teammate presses it
    stale = await tutor.handle(TEAM_A, Pressed(fix.action_id))

    assert "Climbed: scale the app servers out" in text(after)
    assert stale.is_error
    assert "earlier turn" in text(stale)
    assert text(await tutor.handle_text(TEAM_A, "/climb")).count("Climb #1") == 1


async def test_raising_a_broken_cluster_or_picking_what_is_not_offered_is_refused(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    await climb_until_it_breaks(tutor, ALICE)
    before = await sqlite_store.load_climb(ALICE.cluster_scope)

    raised = await tutor.handle_text(ALICE, "/climb raise")
    picked = await tutor.handle_text(ALICE, "/climb pick flying-cars")
    absent = await tutor.handle_text(ALICE, "/climb pick add-cache")

    assert raised.is_error
    assert "does not hold" in text(raised)
    assert picked.is_error
    assert absent.is_error
    assert "not on offer" in text(absent)
    assert await sqlite_store.load_climb(ALICE.cluster_scope) == before


async def test_a_climb_survives_a_restart_and_ends_with_a_debrief(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    first = await SqliteStore.open(tmp_path / "climb.db")
    tutor = Tutor(first, content, clock)
    await tutor.handle_text(ALICE, "/climb")
    await tutor.handle_text(ALICE, "/climb raise")
    await first.close()

    second = await SqliteStore.open(tmp_path / "climb.db")
    restarted = Tutor(second, content, clock)
    shown = text(await restarted.handle_text(ALICE, "/climb"))
    ended = await restarted.handle_text(ALICE, "/climb end")
    await second.close()

    assert "1,000 requests/s (step 2 of 8" in shown
    assert "Climb #1 ended" in text(ended)
    assert "requests/s per $1,000" in text(ended)
    assert [b.action_id for b in buttons_of(ended)] == [buttons.climb_start()]


async def test_a_new_climb_waits_for_the_running_one_to_end(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/climb")
    again = await tutor.handle_text(ALICE, "/climb start")
    await tutor.handle_text(ALICE, "/climb end")
    fresh = await tutor.handle(ALICE, Pressed(buttons.climb_start()))

    assert "already running" in text(again)
    assert "Climb #1" in text(again)
    assert "Climb #2: 500 requests/s" in text(fresh)


async def test_forget_me_takes_the_own_climb(tutor: Tutor, sqlite_store: SqliteStore) -> None:
    await tutor.handle_text(ALICE, "/climb")
    await tutor.handle_text(ALICE, "/forget-me confirm")

    assert await sqlite_store.load_climb(ALICE.own_scope) is None


async def test_a_team_challenges_reveal_names_its_drill_under_load(tutor: Tutor) -> None:
    await tutor.handle_text(TEAM_A, "/challenge start d-write-scaling")
    await tutor.handle_text(TEAM_A, "/answer shard by user id")
    ended = text(await tutor.handle_text(TEAM_A, "/challenge end"))

    assert "See it under load: /scenario writes-past-primary." in ended


def test_load_buttons_read_back_and_a_climbs_moves_are_for_the_channel() -> None:
    pick = read_button(buttons.climb_pick(3, 7, "shard"))
    assert pick.command == t.ClimbPickCommand("shard", 3, 7)
    assert pick.private is False
    assert read_button(buttons.climb_raise(3, 7)).command == t.ClimbRaiseCommand(3, 7)
    follow = read_button(buttons.under_load(42))
    assert follow.command == t.UnderLoadCommand(42)
    assert follow.private is True  # a drill's follow-up is its learner's
    assert read_button("r1:cp:3:x:shard").command is None
    assert all(len(buttons.climb_pick(10**11, 10**11, r)) <= 100 for r in ("scale-out-app",))
