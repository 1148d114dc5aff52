"""Turn simulation results and lessons into Replies, and traces into storable documents."""

from __future__ import annotations

from typing import Any

import orjson

from engine.commands import buttons
from engine.content.models import Lesson
from engine.replies import (
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Notice,
    NoticeLevel,
    Paragraph,
    Preformatted,
    Reply,
    Span,
    SpanStyle,
    TraceStep,
    TraceSteps,
    Visibility,
)
from engine.sim.trace import Trace


def trace_title(trace: Trace) -> str:
    return f"Trace #{trace.trace_no}: {trace.request.line} by {trace.user}"


def trace_document(trace: Trace) -> str:
    """What the store keeps of a trace, enough to redraw it at any step on any node."""
    return orjson.dumps(
        {
            "title": trace_title(trace),
            "summary": trace.summary,
            "steps": [[s.component, s.text, s.latency_ms, s.cumulative_ms] for s in trace.steps],
        }
    ).decode()


def fresh_trace_reply(trace: Trace, visibility: Visibility) -> Reply:
    """The reply to `/trace`, built from the trace itself (no round trip through JSON)."""
    rows = [(s.component, s.text, s.latency_ms, s.cumulative_ms) for s in trace.steps]
    return _trace_reply(trace.trace_no, trace_title(trace), rows, trace.summary, 0, visibility)


def stored_trace_reply(
    trace_no: int, document: str, cursor: int | None, visibility: Visibility
) -> Reply:
    """The reply to a trace button: the stored trace, shown up to `cursor` (None: all)."""
    doc: dict[str, Any] = orjson.loads(document)
    rows = [tuple(row) for row in doc["steps"]]
    return _trace_reply(trace_no, doc["title"], rows, doc["summary"], cursor, visibility)


def _trace_reply(
    trace_no: int,
    title: str,
    rows: list[Any],
    summary: str,
    cursor: int | None,
    visibility: Visibility,
) -> Reply:
    total = len(rows)
    steps = tuple(
        TraceStep(n, total, component, text, latency, cumulative)
        for n, (component, text, latency, cumulative) in enumerate(rows, start=1)
    )
    last = total - 1
    at = last if cursor is None else max(0, min(cursor, last))
    block = TraceSteps(title, steps, summary, trace_no, at)
    controls = []
    if at > 0:
        controls.append(Button("Previous", buttons.trace_step(trace_no, at - 1)))
    if at < last:
        controls.append(Button("Next", buttons.trace_step(trace_no, at + 1), ButtonStyle.PRIMARY))
        controls.append(Button("All steps", buttons.trace_all(trace_no)))
    blocks: tuple[Any, ...] = (block, Buttons(tuple(controls))) if controls else (block,)
    return Reply(blocks, visibility)


def cluster_reply(title: str, diagram: str, visibility: Visibility) -> Reply:
    return Reply((Heading(title), Preformatted(diagram)), visibility)


def change_reply(text: str, visibility: Visibility) -> Reply:
    return Reply((Notice(text),), visibility)


def lesson_reply(lesson: Lesson, titles: dict[str, str]) -> Reply:
    blocks: list[Any] = [
        Heading(lesson.title),
        Paragraph.of(Span(lesson.summary, SpanStyle.STRONG)),
    ]
    blocks.extend(Paragraph.of(point) for point in lesson.points)
    tries: list[str | Span] = ["Try it: "]
    for index, command in enumerate(lesson.try_):
        if index:
            tries.append(", then ")
        tries.append(Span(command, SpanStyle.CODE))
    blocks.append(Paragraph.of(*tries))
    if lesson.related:
        related = ", ".join(f"/learn {r} ({titles[r]})" for r in lesson.related)
        blocks.append(Paragraph.of(f"Related: {related}."))
    blocks.append(Paragraph.of(f"Sources: {', '.join(lesson.sources)}."))
    return Reply(tuple(blocks))


def lesson_index_reply(lessons: list[Lesson]) -> Reply:
    return Reply(
        (
            Heading("Lessons"),
            Fields(tuple((f"/learn {lesson.id}", lesson.summary) for lesson in lessons)),
        )
    )


def error_reply(message: str, usage: str = "") -> Reply:
    blocks: list[Any] = [Notice(message, NoticeLevel.WARNING)]
    if usage:
        blocks.append(Paragraph.of(Span(usage, SpanStyle.CODE)))
    return Reply(tuple(blocks))


def internal_error_reply(correlation_id: str) -> Reply:
    return Reply(
        (
            Notice(
                f"Something went wrong on our side; nothing you did caused it. Try again, and "
                f"quote ref {correlation_id} if it keeps happening.",
                NoticeLevel.ERROR,
            ),
        ),
        correlation_id=correlation_id,
    )
