"""Replies of the drill family: the prompt, the reveal, the next review, progress."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.commands.specs import RATINGS
from engine.content.models import ChecklistEntry, Drill
from engine.drills.params import render
from engine.drills.scoring import Verdict, expected_numbers
from engine.progress.summary import Progress
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Checklist,
    ChecklistItem,
    Deadline,
    Fields,
    Heading,
    Notice,
    NoticeLevel,
    Paragraph,
    Reply,
    Span,
    SpanStyle,
    format_duration,
)
from engine.text.counts import count


def drill_started(
    drill: Drill, params: Mapping[str, float], deadline: datetime, session_id: int
) -> Reply:
    return Reply(
        (
            Heading(f"Drill: {drill.title}"),
            Paragraph.of(Span(render(drill.prompt, params), SpanStyle.STRONG)),
            Deadline(deadline, f"Suggested time, {drill.minutes} minutes"),
            Paragraph.of(
                "Whiteboard it out loud, then write your sketch with ",
                Span("/answer <text>", SpanStyle.CODE),
                " (several messages are fine) and ",
                Span("/reveal", SpanStyle.CODE),
                " to see what a strong answer covers.",
            ),
            Buttons(
                (
                    Button("Answer", buttons.drill_answer(), ButtonStyle.PRIMARY),
                    Button("Reveal", buttons.reveal(session_id)),
                )
            ),
        )
    )


def drill_running(drill: Drill, deadline: datetime, wanted: str | None, session_id: int) -> Reply:
    again = f"/drill {wanted or 'random'} confirm"
    return Reply(
        (
            Notice(
                f"You already have a drill running: {drill.title}. Reveal it first, or start the "
                f"new one anyway with {again} (the running one is dropped).",
                NoticeLevel.WARNING,
            ),
            Deadline(deadline, "Its suggested time ends"),
            Buttons(
                (
                    Button("Reveal it", buttons.reveal(session_id), ButtonStyle.PRIMARY),
                    Button(
                        "Start the new one",
                        buttons.drill_start(wanted or "random", True),
                        ButtonStyle.DANGER,
                    ),
                )
            ),
        )
    )


def times_up(drill: Drill, session_id: int) -> Reply:
    return Reply(
        (
            Notice(f"Time's up for {drill.title}. /reveal to see how you did."),
            Buttons((Button("Reveal", buttons.reveal(session_id), ButtonStyle.PRIMARY),)),
        )
    )


def answer_added(length: int, deadline: datetime) -> Reply:
    return Reply(
        (
            Notice(
                f"Added to your sketch ({length:,} characters so far). Add more with /answer, "
                "or /reveal when you are ready."
            ),
            Deadline(deadline, "Suggested time ends"),
        )
    )


def revealed(
    drill: Drill,
    params: Mapping[str, float],
    verdict: Verdict,
    timing: str,
    sketch: str,
    session_id: int,
) -> Reply:
    blocks: list[Block] = [
        Heading(f"{drill.title}: covered {verdict.covered}/{verdict.total}"),
        Paragraph.of(timing),
    ]
    if not sketch.strip():
        blocks.append(
            Notice(
                "You revealed without a sketch, so nothing is ticked: the whole "
                "checklist is your study list."
            )
        )
    blocks.append(Checklist(tuple(_item(v.item, v.matched, params) for v in verdict.items)))
    for trap in verdict.traps:
        blocks.append(Notice(f"Trap: {trap.label}. {trap.why}", NoticeLevel.WARNING))
    if verdict.missed:
        study = "; ".join(item.label for item in verdict.missed)
        blocks.append(Paragraph.of(Span("Study list: ", SpanStyle.STRONG), study + "."))
    blocks.append(Paragraph.of(Span("Follow-up: ", SpanStyle.STRONG), drill.follow_ups[0]))
    blocks.append(Paragraph.of(Span("A strong answer: ", SpanStyle.STRONG), drill.model_answer))
    blocks.append(
        Paragraph.of(
            "How well did you recall it? Rate it to schedule the next review: ",
            Span("/rate again|hard|good|easy", SpanStyle.CODE),
        )
    )
    blocks.append(
        Buttons(tuple(Button(r.capitalize(), buttons.rate(r, session_id)) for r in RATINGS))
    )
    return Reply(tuple(blocks))


def _item(
    item: ChecklistEntry, matched: tuple[str, ...], params: Mapping[str, float]
) -> ChecklistItem:
    if matched:
        return ChecklistItem(item.label, True, "matched: " + ", ".join(matched))
    detail = item.why
    numbers = expected_numbers(item, params)
    if numbers:
        detail += " Expected: " + "; ".join(f"{label} ≈ {value}" for label, value in numbers) + "."
    return ChecklistItem(item.label, False, detail)


def scheduled(drill: Drill, due: datetime, now: datetime, zone: ZoneInfo) -> Reply:
    return Reply(
        (
            Notice(
                f"Next review of {drill.title}: in {_days(due - now)} "
                f"({due.astimezone(zone):%a %d %b}). "
                "/drill due serves the most overdue one."
            ),
        )
    )


def progress_reply(
    progress: Progress,
    titles: Mapping[str, str],
    labels: Mapping[str, str],
    now: datetime,
    zone: ZoneInfo,
) -> Reply:
    if not progress.done:
        return Reply(
            (
                Heading("Your progress"),
                Paragraph.of("No drills yet. Start one with ", Span("/drill", SpanStyle.CODE), "."),
            )
        )
    trend = {"up": "improving", "down": "slipping", "steady": "steady"}.get(progress.trend, "")
    rows = [
        ("Drills done", str(progress.done)),
        ("Streak", f"{count(progress.streak_days, 'day')} in a row"),
    ]
    if trend:
        rows.append(("Coverage trend", trend))
    blocks: list[Block] = [Heading("Your progress"), Fields(tuple(rows))]
    blocks.append(
        Fields(
            tuple(
                (
                    f"{a.ended_at.astimezone(zone):%d %b %H:%M} "
                    f"{titles.get(a.drill_id, a.drill_id)}",
                    f"covered {a.covered}/{a.total}",
                )
                for a in progress.recent
            )
        )
    )
    if progress.study_list:
        study = "; ".join(
            f"{labels.get(item, item)} (missed {n}×)" for item, n in progress.study_list
        )
        blocks.append(Paragraph.of(Span("Study list: ", SpanStyle.STRONG), study + "."))
    if progress.due_now:
        due = ", ".join(titles.get(d, d) for d in progress.due_now)
        blocks.append(
            Paragraph.of(
                Span("Reviews due: ", SpanStyle.STRONG),
                due,
                ". Start the most overdue with ",
                Span("/drill due", SpanStyle.CODE),
                ".",
            )
        )
    elif progress.next_due is not None:
        blocks.append(Paragraph.of(f"Next review in {_days(progress.next_due - now)}."))
    return Reply(tuple(blocks))


def _days(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    if hours < 24:
        return f"{max(hours, 0):.0f} h"
    return count(round(hours / 24), "day")


def timing(deadline: datetime, now: datetime) -> str:
    seconds = int((deadline - now).total_seconds())
    span = format_duration(abs(seconds))
    if seconds >= 0:
        return f"Revealed with {span} of the suggested time left."
    return f"Revealed {span} after the suggested time."
