"""The replies to input that does not fit, and to failures on our side."""

from __future__ import annotations

from engine.replies import Block, Notice, NoticeLevel, Paragraph, Reply, Span, SpanStyle


def error_reply(message: str, usage: str = "") -> Reply:
    blocks: list[Block] = [Notice(message, NoticeLevel.WARNING)]
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
