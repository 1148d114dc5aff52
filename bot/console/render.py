"""Reply → plain text for the terminal. Pure: same reply (and width), same text.

Given a width (an interactive terminal's), prose, list items and trace steps fold at it with a
hanging indent; preformatted text (diagrams, examples) never folds. Without one (piped output)
every block line stays whole."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from bot.console.wrap import fold
from engine.replies import (
    Block,
    Buttons,
    Checklist,
    ChecklistItem,
    Deadline,
    Document,
    Fields,
    Figure,
    Heading,
    Notice,
    NoticeLevel,
    Paragraph,
    Preformatted,
    Reply,
    SpanStyle,
    TraceSteps,
    format_duration,
    step_timing,
    strip_controls,
)
from engine.scheduling import Delivery


def render(reply: Reply, now: datetime, width: int | None = None) -> str:
    parts = [text for block in reply.blocks if (text := _block(block, now, width))]
    return "\n".join(parts)


def render_delivery(delivery: Delivery, now: datetime, width: int | None = None) -> str:
    """A marker line saying this was scheduled (and late, if it was), then the reply."""
    if delivery.private:
        where = f"for {delivery.user_id} only"
    else:
        where = f"in #{delivery.channel_id}" if delivery.channel_id else "in your own space"
    late = ", late" if delivery.late else ""
    text = f"[scheduled post {where}{late}]\n{render(delivery.reply, now, width)}"
    labels = [
        b.label
        for block in delivery.reply.blocks
        if isinstance(block, Buttons)
        for b in block.buttons
    ]
    if labels:
        # A post's buttons may have no typed twin (a reminder's Snooze a day): `:press` is how
        # the console presses them.
        shown = " ".join(f"[{label}]" for label in labels)
        text += "\n" + fold(f"Buttons: {shown}; :press LABEL presses one.", width)
    return text


def _block(block: Block, now: datetime, width: int | None) -> str:
    match block:
        case Heading(text):
            return fold(text, width)
        case Paragraph(spans):
            return fold(
                "".join(
                    strip_controls(s.text) if s.style is SpanStyle.USER_TEXT else s.text
                    for s in spans
                ),
                width,
            )
        case Fields(items):
            return _fields(items, width)
        case Checklist(items):
            return "\n".join(fold(_checklist_line(i), width, indent=6) for i in items)
        case TraceSteps():
            return _trace(block, width)
        case Preformatted(text):
            return text
        case Deadline(at, label):
            return fold(f"{label}: {_relative(at, now)}", width)
        case Notice(text, level):
            return fold(text if level is NoticeLevel.INFO else f"! {text}", width, indent=2)
        case Buttons():
            return ""  # the console already shows everything a button would reveal
        case Figure():
            return ""  # written to a file with --images (console/images.py), else text only
        case Document():
            return ""  # written to a private file, named under the reply (console/documents.py)
        case _:
            assert_never(block)


def _checklist_line(item: ChecklistItem) -> str:
    """`[x]` covered, `[!]` contradicted, `[ ]` missed; the learner's quoted words stripped of
    control characters like any text a user typed."""
    mark = "x" if item.covered else "!" if item.contradicted else " "
    line = f"  [{mark}] {item.label}"
    if item.quote.strip():
        line += f": “{strip_controls(item.quote)}”"
    return line + (f": {item.detail}" if item.detail else "")


def _fields(items: tuple[tuple[str, str], ...], width: int | None) -> str:
    """Keys in a column, values beside them; a value that folds stays in its column."""
    column = min(max((len(k) for k, _ in items), default=0), 60)
    if width is not None and column + 4 > width // 2:
        column = 0  # a key column wider than half the line leaves the values no room
    return "\n".join(fold(f"  {k.ljust(column)}  {v}", width, indent=column + 4) for k, v in items)


def _trace(block: TraceSteps, width: int | None) -> str:
    """Every step at once: a terminal scrolls, it has no buttons to step with."""
    lines = [fold(block.title, width)]
    for step in block.steps:
        number = f"{step.n}/{step.total} "
        lines.append(fold(f"{number}{step.text} {step_timing(step)}", width, len(number)))
    lines.append(fold(block.summary, width))
    return "\n".join(lines)


def _relative(at: datetime, now: datetime) -> str:
    seconds = int((at - now).total_seconds())
    span = format_duration(abs(seconds))
    return f"in {span}" if seconds >= 0 else f"{span} ago"
