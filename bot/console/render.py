"""Reply → plain text for the terminal. Pure: same reply, same text."""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from engine.replies import (
    Block,
    Buttons,
    Checklist,
    ChecklistItem,
    Deadline,
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


def render(reply: Reply, now: datetime) -> str:
    parts = [text for block in reply.blocks if (text := _block(block, now))]
    return "\n".join(parts)


def render_delivery(delivery: Delivery, now: datetime) -> str:
    """A marker line saying this was scheduled (and late, if it was), then the reply."""
    if delivery.private:
        where = f"for {delivery.user_id} only"
    else:
        where = f"in #{delivery.channel_id}" if delivery.channel_id else "in your own space"
    late = ", late" if delivery.late else ""
    return f"[scheduled post {where}{late}]\n{render(delivery.reply, now)}"


def _block(block: Block, now: datetime) -> str:
    match block:
        case Heading(text):
            return text
        case Paragraph(spans):
            return "".join(
                strip_controls(s.text) if s.style is SpanStyle.USER_TEXT else s.text for s in spans
            )
        case Fields(items):
            width = min(max((len(k) for k, _ in items), default=0), 60)
            return "\n".join(f"  {k.ljust(width)}  {v}" for k, v in items)
        case Checklist(items):
            return "\n".join(_checklist_line(i) for i in items)
        case TraceSteps():
            return _trace(block)
        case Preformatted(text):
            return text
        case Deadline(at, label):
            return f"{label}: {_relative(at, now)}"
        case Notice(text, level):
            return text if level is NoticeLevel.INFO else f"! {text}"
        case Buttons():
            return ""  # the console already shows everything a button would reveal
        case Figure():
            return ""  # written to a file with --images (console/images.py), else text only
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


def _trace(block: TraceSteps) -> str:
    """Every step at once: a terminal scrolls, it has no buttons to step with."""
    lines = [block.title]
    lines += [f"{step.n}/{step.total} {step.text} {step_timing(step)}" for step in block.steps]
    lines.append(block.summary)
    return "\n".join(lines)


def _relative(at: datetime, now: datetime) -> str:
    seconds = int((at - now).total_seconds())
    span = format_duration(abs(seconds))
    return f"in {span}" if seconds >= 0 else f"{span} ago"
