"""Replies of the study family: the path up the ladder (`/path`, `/drill list`), hints."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.content.loader import Content
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Notice,
    Paragraph,
    Reply,
    Span,
    SpanStyle,
)
from engine.study.catalogue import Catalogue, DrillStanding, StageStanding, drill_line, stage_line
from engine.study.hints import Hint, NoHint
from engine.study.recommend import Recommendation

NEXT_MARK = "next on your path · "


def path_reply(
    content: Content, catalogue: Catalogue, pick: Recommendation, zone: ZoneInfo
) -> Reply:
    """Every stage in ladder order: its summary, the lessons to read, its drills with the
    learner's best coverage and next review; the recommended drill first, with why."""
    title = content.drills[pick.drill_id].title
    blocks: list[Block] = [
        Heading("Your path up the scaling ladder"),
        Paragraph.of(
            Span("Next: ", SpanStyle.STRONG),
            f"{title} ({pick.drill_id}). {pick.why} Start it with ",
            Span("/drill", SpanStyle.CODE),
            ".",
        ),
    ]
    for number, stage in enumerate(catalogue.stages, start=1):
        blocks.extend(_stage(content, number, stage, pick.drill_id, zone))
    blocks.append(
        Buttons(
            (
                Button(
                    f"Start: {title}"[:80], buttons.drill_start(pick.drill_id), ButtonStyle.PRIMARY
                ),
            )
        )
    )
    return Reply(tuple(blocks))


def _stage(
    content: Content, number: int, stage: StageStanding, next_id: str, zone: ZoneInfo
) -> list[Block]:
    blocks: list[Block] = [
        Heading(f"{number}. {stage_line(stage)}"),
        Paragraph.of(stage.stage.summary),
    ]
    lessons = _lessons(content, stage)
    if lessons:
        spans: list[str | Span] = ["Read first: "]
        for index, lesson_id in enumerate(lessons):
            if index:
                spans.append(", ")
            spans.append(Span(f"/learn {lesson_id}", SpanStyle.CODE))
        blocks.append(Paragraph.of(*spans, "."))
    blocks.append(Fields(tuple(_row(d, d.drill_id == next_id, zone) for d in stage.drills)))
    return blocks


def _lessons(content: Content, stage: StageStanding) -> list[str]:
    """The stage's lessons as lesson ids (path.yaml may name one by an alias)."""
    found = (content.find_lesson(name) for name in stage.stage.lessons)
    return list(dict.fromkeys(lesson.id for lesson in found if lesson is not None))


def _row(drill: DrillStanding, is_next: bool, zone: ZoneInfo) -> tuple[str, str]:
    head = f"{drill.drill_id} · {drill.title} ({drill.difficulty})"
    status = drill_line(drill, zone).removeprefix(head + " · ")
    return head, (NEXT_MARK if is_next else "") + status


def hint_reply(hint: Hint, has_sketch: bool) -> Reply:
    """The nudge, and how many are left; the reveal will say hints were taken."""
    left = hint.limit - hint.number
    tail = f"{left} more this drill" if left else "that was the last one for this drill"
    start = "Add to your sketch" if has_sketch else "Start your sketch"
    return Reply(
        (
            Paragraph.of(
                Span(f"Hint {hint.number} of {hint.limit}: ", SpanStyle.STRONG), hint.text
            ),
            Paragraph.of(
                f"{start} with ",
                Span("/answer", SpanStyle.CODE),
                f" ({tail}; the reveal notes the hints you took).",
            ),
        )
    )


def no_hint(why: NoHint) -> Reply:
    return Reply((Notice(why.message),))
