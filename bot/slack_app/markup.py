"""Engine values as Slack mrkdwn: paragraphs of spans, trace steps, dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from bot.slack_app.escape import clean, code_span, mrkdwn, plain, silence
from engine.replies import ChecklistItem, NoticeLevel, Span, SpanStyle, TraceStep, step_timing

SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
# Shown in each reader's own time zone and clock format ("today at 9:04 AM"). Slack also has a
# relative `{ago}` token, but only secondary sources describe it, none for a future instant.
DATE_FORMAT = "{date_short_pretty} at {time}"
NOTICE_PREFIX = {NoticeLevel.WARNING: "⚠️ ", NoticeLevel.ERROR: "⛔ "}


def date_token(at: datetime) -> str:
    """A Slack date: `<!date^unix^format|fallback>`, the fallback for clients that cannot
    format dates (an absolute UTC time: it never goes stale)."""
    return f"<!date^{int(at.timestamp())}^{DATE_FORMAT}|{utc_time(at)}>"


def utc_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def checklist_mark(item: ChecklistItem) -> str:
    """✅ covered, ❌ contradicted (the sketch said the opposite), ⬜ missed."""
    return "✅" if item.covered else "❌" if item.contradicted else "⬜"


def step_line(step: TraceStep) -> str:
    return f"`{step.n}/{step.total}` {plain(step.text)}  {step_timing(step)}"


def paragraph(spans: Iterable[Span], each: Callable[[Span], str] | None = None) -> str:
    """Spans as mrkdwn (or as `each` renders them). Text between live mentions is silenced as
    a whole, so that `@` in one span and `here` in the next cannot meet as a ping."""
    render_span = each or _span
    parts: list[str] = []
    group: list[str] = []
    for span in spans:
        user = span.text.strip()
        if span.style is SpanStyle.MENTION and SLACK_USER_ID.fullmatch(user):
            parts += [silence("".join(group)), f"<@{user}>"]
            group = []
        else:
            group.append(render_span(span))
    parts.append(silence("".join(group)))
    return "".join(parts)


def _span(span: Span) -> str:
    if span.style is SpanStyle.CODE:
        return code_span(span.text)
    if span.style is SpanStyle.STRONG:
        return "\n".join(_strong(line) for line in clean(span.text).split("\n"))
    return mrkdwn(span.text)


def _strong(line: str) -> str:
    """Bold for one line (mrkdwn bold never spans lines). A star inside would end the bold
    early, so it becomes a look-alike; spaces stay outside the stars, where Slack wants them."""
    body = line.strip()
    if not body:
        return line
    lead = line[: len(line) - len(line.lstrip())]
    trail = line[len(line.rstrip()) :]
    return f"{lead}*{mrkdwn(body.replace('*', '∗'))}*{trail}"
