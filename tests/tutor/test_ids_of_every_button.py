"""The id-carrying buttons that `test_ids_where_they_belong` does not press: a trace's
animation, a reveal's "see it under load", the climb's moves (a game number and a turn), a
review reminder's buttons (a workspace and a user) and the buttons that act for a learner
(`r1:af:`, a workspace and a user around another button). Pressed by anybody they do not
belong to, with real ids and forged ones, each gets a one-line refusal and the database file
(real SQLite) holds the same rows afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from team_helpers import button_ids, is_warning, text_of
from test_ids_where_they_belong import rows

from engine.commands import buttons
from engine.commands.incoming import Pressed
from engine.commands.types import ClimbPickCommand, ClimbRaiseCommand
from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import TraceSteps
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _actor(user: str, channel: str | None, workspace: str = "local", platform: str = "console"):
    return Actor(platform, workspace, user, user, channel)


ALICE = _actor("alice", "study")
ALICE_DM = _actor("alice", None)
# Nobody here is alice where her buttons work (her DM for the acting-for ones; #study for the
# channel's climb), nor alice anywhere for her reminder's and her drills' buttons.
STRANGERS = (
    _actor("bob", "study"),  # the same channel, someone else
    _actor("bob", "other"),
    _actor("bob", None),
    _actor("bob", "study", workspace="elsewhere"),
    _actor("alice", "study", platform="slack"),
)


@dataclass
class World:
    runner: asyncio.Runner
    tutor: Tutor
    path: Path
    session: int
    trace: int
    game: int
    turn: int


async def _build(tutor: Tutor) -> tuple[int, int, int, int]:
    await tutor.handle_text(ALICE, "/settings reminders=daily 09:00")
    drill = await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    reveal = buttons.parse_button(button_ids(drill)["Reveal"])
    session = getattr(reveal, "session_id", None)
    assert isinstance(session, int)
    await tutor.handle_text(ALICE, "/answer Scale up the server, then add a load balancer.")
    await tutor.handle_text(ALICE, "/reveal")
    traced = await tutor.handle_text(ALICE_DM, "/trace GET /u/7")
    steps = next(b for b in traced.blocks if isinstance(b, TraceSteps))
    trace = steps.trace_no
    climb = await tutor.handle_text(ALICE_DM, "/climb")
    pick = buttons.parse_button(next(iter(button_ids(climb).values())))
    assert isinstance(pick, ClimbPickCommand | ClimbRaiseCommand), text_of(climb)
    game, turn = pick.game, pick.turn
    assert game is not None
    assert turn is not None
    return session, trace, game, turn


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, content: Content) -> Iterator[World]:
    runner = asyncio.Runner()
    path = tmp_path_factory.mktemp("buttons") / "rungs.db"
    store = runner.run(SqliteStore.open(path))
    tutor = Tutor(store, content, FixedClock(START))
    built = runner.run(_build(tutor))
    runner.run(tutor.saved())
    yield World(runner, tutor, path, *built)
    runner.run(tutor.saved())
    runner.run(store.close())
    runner.close()


def _inner(world: World, session: int, trace: int, game: int, turn: int) -> list[str]:
    return [
        buttons.trace_animation(trace),
        buttons.trace_step(trace, 1),
        buttons.under_load(session),
        buttons.reveal(session),
        buttons.rate("easy", session),
        buttons.climb_pick(game, turn, "add-cache"),
        buttons.climb_raise(game, turn),
        buttons.challenge_join(1),
        buttons.forget_me_confirm(),
    ]


def pressed(world: World, ids: tuple[int, int, int, int], who: str) -> list[str]:
    """Every button with these ids, as sent to alice (her DM's own buttons, her reminder's
    and those acting for her); `who` is whom a forged acting-for or reminder id names."""
    inner = _inner(world, *ids)
    found = [i for i in inner if not i.startswith(("r1:cj", "r1:fm"))]
    for action in buttons.REMINDER_ACTIONS:
        found.append(buttons.reminder(action, "local", who) or "")
    found += [buttons.acting_for("local", who, i) or "" for i in inner]
    return found


def _ids(world: World) -> st.SearchStrategy[tuple[int, int, int, int]]:
    near = st.integers(min_value=0, max_value=10**6)
    return st.tuples(
        st.one_of(st.just(world.session), near),
        st.one_of(st.just(world.trace), near),
        st.one_of(st.just(world.game), near),
        st.one_of(st.just(world.turn), near),
    )


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_stranger_pressing_any_of_alices_buttons_is_refused(
    world: World, data: st.DataObject
) -> None:
    stranger = data.draw(st.sampled_from(STRANGERS), label="who")
    ids = data.draw(_ids(world), label="ids")
    named = data.draw(st.sampled_from(["alice", stranger.user_id]), label="named")
    action_id = data.draw(st.sampled_from(pressed(world, ids, "alice")), label="button")
    names_someone = action_id.startswith(("r1:af", "r1:rm"))
    if names_someone and named != "alice":  # forged to name the presser instead
        action_id = action_id.replace(":local:alice:", f":local:{named}:", 1)
    if names_someone and named == stranger.user_id:
        # Naming yourself is yours: a reminder's button anywhere, an acting-for one in your DM.
        assume(action_id.startswith("r1:af") and stranger.in_channel)
    before = rows(world.path)
    reply = world.runner.run(world.tutor.handle(stranger, Pressed(action_id)))
    world.runner.run(world.tutor.saved())
    assert is_warning(reply), (action_id, text_of(reply))
    assert len(text_of(reply).splitlines()) == 1, text_of(reply)
    assert rows(world.path) == before, action_id


@pytest.mark.parametrize("where", ["study", "other"])
def test_alices_acting_for_buttons_refuse_her_in_a_channel(world: World, where: str) -> None:
    """They are posted in a direct message only; in a channel they would act in another
    workspace from there."""
    before = rows(world.path)
    for inner in _inner(world, world.session, world.trace, world.game, world.turn):
        action_id = buttons.acting_for("local", "alice", inner) or ""
        reply = world.runner.run(world.tutor.handle(_actor("alice", where), Pressed(action_id)))
        assert is_warning(reply), (action_id, text_of(reply))
    assert rows(world.path) == before


def test_her_own_buttons_still_work_in_her_dm(world: World) -> None:
    """The refusals are not buttons that refuse everybody."""
    for action_id in (buttons.trace_animation(world.trace), buttons.under_load(world.session)):
        reply = world.runner.run(world.tutor.handle(ALICE_DM, Pressed(action_id)))
        assert not is_warning(reply), (action_id, text_of(reply))
