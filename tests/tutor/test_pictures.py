"""Which pictures the Tutor's replies carry (the Figure block), on a real SQLite file: a trace's
path, a step's frame for Next and Previous, the whole animation on request, the cluster's
diagram, /progress's chart; none with images=off, yours or a channel admin's; a trace kept
before pictures shows as text."""

from __future__ import annotations

import json

from engine.commands import buttons
from engine.pictures import ClusterDiagram, TraceAnimation
from engine.pictures.chart import Chart
from engine.ports import Scope, ScopeKind
from engine.replies import Buttons, Figure, Reply, TraceSteps
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor


def actor(user: str = "alice", channel: str | None = None, *, admin: bool = False) -> Actor:
    return Actor("console", "local", user, user, channel, is_admin=admin)


def figure(reply: Reply) -> Figure:
    (found,) = reply.figures
    return found


def labels(reply: Reply) -> set[str]:
    found = next((b for b in reply.blocks if isinstance(b, Buttons)), Buttons(()))
    return {b.label for b in found.buttons}


def trace_no(reply: Reply) -> int:
    return next(b.trace_no for b in reply.blocks if isinstance(b, TraceSteps))


async def test_a_trace_carries_its_path_and_its_steps_their_frames(tutor: Tutor) -> None:
    reply = await tutor.handle_text(actor(), "/trace GET /u/7")
    path = figure(reply)
    assert isinstance(path.picture, ClusterDiagram)
    assert path.picture.path is not None
    assert len(path.picture.path.steps) == 11
    assert (path.name, path.step, path.animated) == ("trace-1", None, False)
    assert path.alt.startswith("GET /u/7 by alice: cache miss")
    nxt = await tutor.handle_button(actor(), buttons.trace_step(1, 1))
    frame = figure(nxt)
    assert isinstance(frame.picture, TraceAnimation)
    assert (frame.name, frame.step) == ("trace-1-step-2", 2)
    assert frame.alt.startswith("Step 2/11: ")
    everything = await tutor.handle_button(actor(), buttons.trace_all(1))
    assert isinstance(figure(everything).picture, ClusterDiagram)
    animated = await tutor.handle_button(actor(), buttons.trace_animation(1))
    gif = figure(animated)
    assert gif.animated
    assert isinstance(gif.picture, TraceAnimation)
    assert gif.picture.frame_count == 11
    assert "Animation" not in labels(animated)
    block = next(b for b in animated.blocks if isinstance(b, TraceSteps))
    assert block.shown == 11  # every step beside the animation


async def test_cluster_show_carries_the_diagram(tutor: Tutor) -> None:
    reply = await tutor.handle_text(actor(channel="study"), "/cluster show")
    shown = figure(reply)
    assert isinstance(shown.picture, ClusterDiagram)
    assert shown.picture.path is None
    assert "app servers (3): all 3 up" in shown.alt


async def test_progress_charts_coverage_once_there_is_an_attempt(tutor: Tutor) -> None:
    assert not (await tutor.handle_text(actor(), "/progress")).figures
    await tutor.handle_text(actor(), "/drill a-cpu-at-80")
    await tutor.handle_text(actor(), "/answer profile first, then scale up; 80% is no headroom")
    await tutor.handle_text(actor(), "/reveal")
    chart = figure(await tutor.handle_text(actor(), "/progress"))
    assert isinstance(chart.picture, Chart)
    assert chart.name == "progress"
    assert "coverage" in chart.alt


async def test_images_off_is_yours_alone(tutor: Tutor) -> None:
    saved = await tutor.handle_text(actor(), "/settings images=off")
    assert not saved.is_error
    mine = await tutor.handle_text(actor(channel="study"), "/trace GET /u/7")
    assert not mine.figures
    assert "Animation" not in labels(mine)
    assert not (await tutor.handle_button(actor(), buttons.trace_step(1, 1))).figures
    bobs = await tutor.handle_text(actor("bob", "study"), "/trace GET /u/7")
    assert bobs.figures
    await tutor.handle_text(actor(), "/settings images=on")
    assert (await tutor.handle_text(actor(channel="study"), "/cluster show")).figures


async def test_a_channel_admin_turns_pictures_off_for_everybody_there(tutor: Tutor) -> None:
    refused = await tutor.handle_text(actor("bob", "study"), "/settings channel_images=off")
    assert refused.is_error  # not an admin: the channel's choice is not bob's
    assert (await tutor.handle_text(actor("bob", "study"), "/cluster show")).figures
    done = await tutor.handle_text(
        actor(channel="study", admin=True), "/settings channel_images=off"
    )
    assert not done.is_error
    assert not (await tutor.handle_text(actor("bob", "study"), "/trace GET /u/7")).figures
    assert (await tutor.handle_text(actor("bob", "elsewhere"), "/trace GET /u/7")).figures
    assert (await tutor.handle_text(actor("bob"), "/trace GET /u/7")).figures  # his own space
    alone = await tutor.handle_text(actor(admin=True), "/settings channel_images=off")
    assert alone.is_error  # there is no channel to set outside one


async def test_a_trace_kept_before_pictures_shows_as_text(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    reply = await tutor.handle_text(actor(), "/trace GET /u/7")
    await tutor.saved()
    scope = Scope("console", "local", ScopeKind.OWN, "alice")
    document = await sqlite_store.load_trace(scope, trace_no(reply))
    assert document is not None
    assert '"picture"' in document
    older = document.split(',"picture"')[0] + "}"  # the layout traces had before pictures
    await sqlite_store._db.execute("UPDATE traces SET body = ?", (older,))
    nxt = await tutor.handle_button(actor(), buttons.trace_step(1, 1))
    assert not nxt.figures
    assert "Animation" not in labels(nxt)
    assert next(b for b in nxt.blocks if isinstance(b, TraceSteps)).cursor == 1


async def test_load_scenario_and_climb_replies_carry_their_charts(tutor: Tutor) -> None:
    load = await tutor.handle_text(actor(), "/load 2000 reads=9:1")
    assert not load.is_error
    chart = figure(load)
    assert isinstance(chart.picture, Chart)
    assert chart.name == "load"
    scenario = await tutor.handle_text(actor(), "/scenario hot-key")
    assert figure(scenario).name == "scenario"
    assert not (await tutor.handle_text(actor(), "/scenario")).figures  # the list: no chart
    await tutor.handle_text(actor(), "/settings images=off")
    assert not (await tutor.handle_text(actor(), "/load 2000")).figures


async def test_a_stored_trace_keeps_its_animation_whole_in_less_room(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    """The stored trace leaves out what its steps already say (each step's sentence and
    latencies, the summary) and reads back the same animation; a document written in full,
    as before, reads the same too."""
    from engine.pictures.codec import picture_data
    from engine.tutor import names, trace_codec

    reply = await tutor.handle_text(actor(), "/trace GET /u/7")
    gif = await tutor.handle_button(actor(), buttons.trace_animation(trace_no(reply)))
    animation = figure(gif).picture
    assert isinstance(animation, TraceAnimation)
    await tutor.saved()
    scope = Scope("console", "local", ScopeKind.OWN, "alice")
    stored = await sqlite_store.load_trace(scope, trace_no(reply))
    assert stored is not None
    kept = trace_codec.decode(trace_no(reply), stored)
    assert names.resolve_animation(kept.animation, "alice", "alice") == animation
    full = json.loads(stored)
    assert kept.animation is not None
    full["picture"] = picture_data(kept.animation)  # the layout of documents written before
    written_in_full = json.dumps(full, ensure_ascii=False)
    again = trace_codec.decode(trace_no(reply), written_in_full).animation
    assert again == kept.animation
    assert len(stored.encode()) < 0.75 * len(written_in_full.encode())
    for step in kept.animation.path.steps:
        assert stored.count(json.dumps(step.sentence, ensure_ascii=False)) == 1  # once: its step
