"""Every id that comes in from a button, a form or an option acts only where it belongs.

One world on a real SQLite file: alice runs a challenge and a drill in #study and traced there;
bob runs his own drill in #study. Then anybody else (another channel of the same workspace, a
DM, another workspace, another platform, another user) sends every id-carrying command with
alice's ids, and with forged ones: each gets a one-line refusal, and the database file is
byte-for-byte the same rows afterwards.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from team_helpers import button_ids, is_warning, text_of

from engine.commands import buttons
from engine.commands.incoming import Incoming, Options, Pressed
from engine.content.loader import Content
from engine.ports import FixedClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor


@dataclass
class World:
    runner: asyncio.Runner
    tutor: Tutor
    path: Path
    challenge_id: int
    alice_session: int
    trace_no: int


def _actor(user: str, channel: str | None, workspace: str = "local", platform: str = "console"):
    return Actor(platform, workspace, user, user, channel)


ALICE = _actor("alice", "study")
BOB = _actor("bob", "study")
# Who may not use alice's challenge, drill or trace: not in #study, or not alice.
STRANGERS = (
    _actor("bob", "other"),  # another channel of the same workspace
    _actor("bob", None),  # bob's DM
    _actor("bob", "study", workspace="elsewhere"),  # a channel of the same name elsewhere
    _actor("alice", "study", platform="slack"),  # the same names on another platform
    _actor("alice", "other"),  # alice herself, from another channel
)
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SKETCH = "Scale out behind a load balancer with stateless servers and sessions in Redis."


async def _build(tutor: Tutor) -> tuple[int, int, int]:
    started = await tutor.handle_text(ALICE, "/challenge start a-cpu-at-80 5m")
    form = buttons.answer_form(button_ids(started)["Answer"])
    assert form is not None, text_of(started)
    assert form.challenge_id is not None
    await tutor.handle_text(ALICE, "/challenge join")
    drill = await tutor.handle_text(ALICE, "/drill a-cpu-at-80")
    reveal = buttons.parse_button(button_ids(drill)["Reveal"])
    await tutor.handle_text(BOB, "/drill b-read-ladder")
    traced = await tutor.handle_text(ALICE, "/trace GET /u/7")
    steps = next(b for b in traced.blocks if hasattr(b, "trace_no"))
    session_id = getattr(reveal, "session_id", None)
    assert isinstance(session_id, int)
    return form.challenge_id, session_id, int(getattr(steps, "trace_no", 0))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, content: Content) -> Iterator[World]:
    runner = asyncio.Runner()
    path = tmp_path_factory.mktemp("ids") / "rungs.db"
    store = runner.run(SqliteStore.open(path))
    tutor = Tutor(store, content, FixedClock(START))
    challenge_id, session_id, trace_no = runner.run(_build(tutor))
    yield World(runner, tutor, path, challenge_id, session_id, trace_no)
    runner.run(tutor.saved())
    runner.run(store.close())
    runner.close()


def rows(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table, read by a second connection (what is committed)."""
    with sqlite3.connect(path) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return [(t, sorted(db.execute(f'SELECT * FROM "{t}"'), key=repr)) for t in tables]


def commands(world: World, challenge: int, session: int, trace: int) -> list[Incoming]:
    """Every command that carries an id of a challenge, a drill or a trace."""
    return [
        Pressed(buttons.challenge_join(challenge)),
        Pressed(buttons.challenge_answer(challenge)),
        Options("answer", None, {"text": SKETCH, "challenge": str(challenge)}),
        Pressed(buttons.reveal(session)),
        Pressed(buttons.rate("good", session)),
        Pressed(buttons.trace_step(trace, 2)),
        Pressed(buttons.trace_all(trace)),
    ]


def _ids(world: World) -> st.SearchStrategy[tuple[int, int, int]]:
    """The real ids, mostly, and forged ones next to them."""
    near = st.integers(min_value=0, max_value=10**6)
    return st.tuples(
        st.one_of(st.just(world.challenge_id), near),
        st.one_of(st.just(world.alice_session), near),
        st.one_of(st.just(world.trace_no), near),
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_stranger_with_any_id_is_refused_and_changes_nothing(
    world: World, data: st.DataObject
) -> None:
    stranger = data.draw(st.sampled_from(STRANGERS), label="who")
    challenge, session, trace = data.draw(_ids(world), label="ids")
    command = data.draw(st.sampled_from(commands(world, challenge, session, trace)), label="cmd")
    if stranger.user_id == "alice" and stranger.platform == "console":
        # alice's own drill is hers wherever she is (drills belong to users, not channels)
        assume(not _drill_button(command))
    before = rows(world.path)
    reply = world.runner.run(world.tutor.handle(stranger, command))
    world.runner.run(world.tutor.saved())
    assert is_warning(reply), text_of(reply)
    assert len(text_of(reply).splitlines()) == 1, text_of(reply)
    assert rows(world.path) == before


def _drill_button(command: Incoming) -> bool:
    return isinstance(command, Pressed) and command.action_id.startswith(("r1:rv", "r1:rt"))


def test_bob_cannot_reveal_or_rate_alices_drill_from_her_channel(world: World) -> None:
    """The same channel, another user: a drill id acts only for the user it belongs to."""
    before = rows(world.path)
    for action_id in (
        buttons.reveal(world.alice_session),
        buttons.rate("good", world.alice_session),
    ):
        reply = world.runner.run(world.tutor.handle(BOB, Pressed(action_id)))
        assert is_warning(reply), text_of(reply)
    assert rows(world.path) == before


def test_the_challenge_still_works_where_it_belongs(world: World) -> None:
    """The refusals are not a challenge that refuses everybody: in #study, bob joins it."""
    reply = world.runner.run(
        world.tutor.handle(BOB, Pressed(buttons.challenge_join(world.challenge_id)))
    )
    assert not is_warning(reply), text_of(reply)
    assert "You're in" in text_of(reply)
