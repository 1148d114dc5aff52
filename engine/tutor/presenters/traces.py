"""Replies of the cluster family: a trace (stepping through it with buttons), the cluster's
diagram, and what a change did."""

from __future__ import annotations

from engine.commands import buttons
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Heading,
    Notice,
    Preformatted,
    Reply,
    TraceStep,
    TraceSteps,
    Visibility,
)
from engine.sim.trace import Trace


def trace_block(trace: Trace) -> TraceSteps:
    """The trace as a reply block, shown from its first step. Built once per trace: the reply
    and the stored document (trace_codec) are both made from it."""
    total = len(trace.steps)
    steps = tuple(
        TraceStep(n, total, s.component, s.text, s.latency_ms, s.cumulative_ms)
        for n, s in enumerate(trace.steps, start=1)
    )
    title = f"Trace #{trace.trace_no}: {trace.request.line} by {trace.user}"
    return TraceSteps(title, steps, trace.summary, trace.trace_no, 0)


def trace_reply(block: TraceSteps, cursor: int | None, visibility: Visibility) -> Reply:
    """The trace shown up to step `cursor` (0-based; None: all of it), with the buttons that
    step through it."""
    last = len(block.steps) - 1
    at = last if cursor is None else max(0, min(cursor, last))
    shown = TraceSteps(block.title, block.steps, block.summary, block.trace_no, at)
    controls = []
    if at > 0:
        controls.append(Button("Previous", buttons.trace_step(block.trace_no, at - 1)))
    if at < last:
        step = buttons.trace_step(block.trace_no, at + 1)
        controls.append(Button("Next", step, ButtonStyle.PRIMARY))
        controls.append(Button("All steps", buttons.trace_all(block.trace_no)))
    blocks: tuple[Block, ...] = (shown, Buttons(tuple(controls))) if controls else (shown,)
    return Reply(blocks, visibility)


def cluster_reply(title: str, diagram: str, visibility: Visibility) -> Reply:
    return Reply((Heading(title), Preformatted(diagram)), visibility)


def change_reply(text: str, visibility: Visibility) -> Reply:
    return Reply((Notice(text),), visibility)
