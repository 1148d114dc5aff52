"""The message's plain `text`: what notifications, screen readers and clients that cannot show
blocks get. Every block's words without markup, in order, cut visibly at `limits.FALLBACK`.

Slack still reads it as mrkdwn where it shows it (entities, mentions, fences), so it is
escaped, defused and silenced like the blocks; a live `SpanStyle.MENTION` stays live, so a
notification names the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from bot.slack_app import limits as lim
from bot.slack_app.escape import mrkdwn
from bot.slack_app.escape import plain as escaped
from bot.slack_app.markup import NOTICE_PREFIX, checklist_mark, paragraph, utc_time
from engine.replies import (
    Block,
    Button,
    Buttons,
    Checklist,
    Deadline,
    Document,
    Fields,
    Figure,
    Heading,
    Notice,
    Paragraph,
    Preformatted,
    Reply,
    TraceSteps,
    format_duration,
    step_timing,
)

EMPTY = "(nothing to show)"


def fallback_text(reply: Reply, now: datetime | None) -> str:
    lines: list[str] = []
    size = 0
    for block in reply.blocks:
        if size > lim.FALLBACK:
            break  # the rest would be cut anyway
        lines += [line for line in _lines(block, now) if line.strip()]
        size = sum(len(line) + 1 for line in lines)
    if not lines:  # a reply of buttons only: say what can be done
        labels = [escaped(b.label) for b in _buttons(reply)]
        lines = [" · ".join(text for text in labels if text.strip()) or EMPTY]
    return lim.truncate("\n".join(lines), lim.FALLBACK)


def _buttons(reply: Reply) -> list[Button]:
    return [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]


def _lines(block: Block, now: datetime | None) -> list[str]:
    match block:
        case Heading(text) | Preformatted(text):
            return [escaped(text)]  # a diagram's lines, without a code block to get wrong
        case Paragraph(spans):
            return [paragraph(spans, lambda span: mrkdwn(span.text))]
        case Fields(items):
            return [": ".join(t for t in (escaped(k), escaped(v)) if t.strip()) for k, v in items]
        case Checklist(items):
            return [
                f"{checklist_mark(i)} {escaped(i.label)}"
                + (f" — “{escaped(i.quote)}”" if i.quote.strip() else "")
                + (f" — {escaped(i.detail)}" if i.detail.strip() else "")
                for i in items
            ]
        case TraceSteps():
            return _trace(block)
        case Deadline(at, label):
            when = deadline(at, now)
            return [f"{escaped(label)}: {when}" if label.strip() else when]
        case Notice(text, level):
            return [NOTICE_PREFIX.get(level, "") + escaped(text)]
        case Buttons():
            return []  # labels only when there is nothing else (fallback_text)
        case Figure():
            return []  # the other blocks say in words what it shows
        case Document():
            return []  # sent as a file to the caller's DM (slack_app/uploads.py)
        case _:
            assert_never(block)


def _trace(block: TraceSteps) -> list[str]:
    shown = block.shown
    lines = [escaped(block.title)]
    for step in block.steps[:shown]:
        lines.append(f"{step.n}/{step.total} {escaped(step.text)} {step_timing(step)}")
    if shown == len(block.steps):
        lines.append(escaped(block.summary))
    else:
        lines.append(f"Step {shown} of {len(block.steps)}")
    return lines


def deadline(at: datetime, now: datetime | None) -> str:
    """`2026-11-28 09:04 UTC (in 4m 12s)`: a notification is read when it arrives, so the
    relative part is right when it matters; without `now`, the instant alone."""
    if now is None:
        return utc_time(at)
    seconds = int((at - now).total_seconds())
    span = format_duration(abs(seconds))
    return f"{utc_time(at)} ({f'in {span}' if seconds >= 0 else f'{span} ago'})"
