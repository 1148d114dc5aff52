"""Replies of the cluster family: a trace (stepping through it with buttons), the cluster's
diagram, and what a change did. With pictures on, a trace carries the cluster with the
request's path drawn on it (a step's own frame once the buttons step through it, the whole
animation on request) and /cluster show the cluster's diagram; the text stays as it was."""

from __future__ import annotations

from enum import Enum
from typing import assert_never

from engine.commands import buttons
from engine.pictures import ClusterDiagram, TraceAnimation
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Figure,
    Heading,
    Notice,
    Preformatted,
    Reply,
    TraceStep,
    TraceSteps,
    Visibility,
)
from engine.sim.trace import Trace
from engine.tutor.trace_codec import KeptTrace

_new = tuple.__new__


class TracePicture(Enum):
    """Which picture a trace reply carries."""

    PATH = "path"  # the cluster with the whole path drawn: a fresh trace, or all its steps
    STEP = "step"  # the frame of the step shown (Next and Previous)
    ANIMATION = "animation"  # every frame in turn (a GIF)


def trace_block(trace: Trace) -> TraceSteps:
    """The trace as a reply block, shown from its first step. Built once per trace: the reply
    and the stored document (trace_codec) are both made from it."""
    total = len(trace.steps)
    # tuple.__new__ builds each step in C, skipping the named tuple's Python-level __new__.
    steps = tuple(
        _new(TraceStep, (n, total, s.component, s.text, s.latency_ms, s.cumulative_ms))
        for n, s in enumerate(trace.steps, start=1)
    )
    title = f"Trace #{trace.trace_no}: {trace.request.line} by {trace.user}"
    return TraceSteps(title, steps, trace.summary, trace.trace_no, 0)


def trace_reply(
    kept: KeptTrace,
    cursor: int | None,
    visibility: Visibility,
    picture: TracePicture | None = TracePicture.PATH,
) -> Reply:
    """The trace shown up to step `cursor` (0-based; None: all of it), with the buttons that
    step through it, and `picture` (None: pictures are off, or the trace has none)."""
    block = kept.block
    last = len(block.steps) - 1
    at = last if cursor is None else max(0, min(cursor, last))
    shown = TraceSteps(block.title, block.steps, block.summary, block.trace_no, at)
    animation = kept.animation if picture is not None else None
    controls = []
    if at > 0:
        controls.append(Button("Previous", buttons.trace_step(block.trace_no, at - 1)))
    if at < last:
        step = buttons.trace_step(block.trace_no, at + 1)
        controls.append(Button("Next", step, ButtonStyle.PRIMARY))
        controls.append(Button("All steps", buttons.trace_all(block.trace_no)))
    if animation is not None and picture is not TracePicture.ANIMATION:
        controls.append(Button("Animation", buttons.trace_animation(block.trace_no)))
    blocks: list[Block] = [shown]
    if animation is not None and picture is not None:
        blocks.append(_trace_figure(block.trace_no, animation, picture, at + 1))
    if controls:
        blocks.append(Buttons(tuple(controls)))
    return Reply(tuple(blocks), visibility)


def _trace_figure(
    trace_no: int, animation: TraceAnimation, picture: TracePicture, step: int
) -> Figure:
    name = f"trace-{trace_no}"
    match picture:
        case TracePicture.PATH:
            return Figure(animation.diagram, name)
        case TracePicture.STEP:
            return Figure(animation, f"{name}-step-{step}", step)
        case TracePicture.ANIMATION:
            return Figure(animation, name)
        case _:
            assert_never(picture)


def cluster_reply(
    title: str, diagram: str, visibility: Visibility, picture: ClusterDiagram | None = None
) -> Reply:
    blocks: tuple[Block, ...] = (Heading(title), Preformatted(diagram))
    if picture is not None:
        blocks += (Figure(picture, "cluster"),)
    return Reply(blocks, visibility)


def change_reply(text: str, visibility: Visibility) -> Reply:
    return Reply((Notice(text),), visibility)
