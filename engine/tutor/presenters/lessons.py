"""Replies of the lesson family: a lesson card, and the list of lessons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.content.models import Lesson
from engine.replies import Block, Fields, Heading, Paragraph, Reply, Span, SpanStyle


def lesson_reply(lesson: Lesson, titles: Mapping[str, str]) -> Reply:
    blocks: list[Block] = [
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


def lesson_index_reply(lessons: Sequence[Lesson]) -> Reply:
    return Reply(
        (
            Heading("Lessons"),
            Fields(tuple((f"/learn {lesson.id}", lesson.summary) for lesson in lessons)),
        )
    )
