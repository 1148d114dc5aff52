"""Replies of the drill family: the prompt, the reveal, the next review, progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
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
from engine.study.streaks import FREEZE_RULE
from engine.text.dates import day_label


def drill_started(
    drill: Drill,
    params: Mapping[str, float],
    deadline: datetime,
    session_id: int,
    why: str | None = None,
) -> Reply:
    chosen: tuple[Block, ...] = ()
    if why is not None:
        chosen = (Paragraph.of(Span("Next on your path: ", SpanStyle.STRONG), why),)
    return Reply(
        (
            Heading(f"Drill: {drill.title}"),
            *chosen,
            Paragraph.of(Span(render(drill.prompt, params), SpanStyle.STRONG)),
            Deadline(deadline, f"Suggested time, {drill.minutes} minutes"),
            Paragraph.of(
                "Whiteboard it out loud, then write your sketch with ",
                Span("/answer <text>", SpanStyle.CODE),
                " (several messages are fine) and ",
                Span("/reveal", SpanStyle.CODE),
                " to see what a strong answer covers. Stuck? ",
                Span("/hint", SpanStyle.CODE),
                " nudges you towards the next rung.",
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
    hinted: str | None = None,
) -> Reply:
    """`hinted`: the line about the hints taken on this attempt, if any were."""
    blocks: list[Block] = [
        Heading(f"{drill.title}: covered {verdict.covered}/{verdict.total}"),
        Paragraph.of(timing),
    ]
    if hinted is not None:
        blocks.append(Paragraph.of(Span("Hints: ", SpanStyle.STRONG), hinted))
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


def scheduled(
    drill: Drill, due: datetime, now: datetime, zone: ZoneInfo, interview: date | None = None
) -> Reply:
    aimed = f" Aimed at your interview on {day_label(interview)}." if interview else ""
    return Reply(
        (
            Notice(
                f"Next review of {drill.title}: in {_days(due - now)} "
                f"({due.astimezone(zone):%a %d %b}). "
                f"/drill due serves the most overdue one.{aimed}"
            ),
        )
    )


def progress_reply(
    progress: Progress,
    titles: Mapping[str, str],
    labels: Mapping[str, str],
    now: datetime,
    zone: ZoneInfo,
    topics: Sequence[str] = (),
    streak: str | None = None,
) -> Reply:
    """`topics`: a line per stage of the ladder ("Caching: 5 drills, 2 tried; …"); `streak`:
    the streak with its freeze ("5 days of study in a row (… forgiven)")."""
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
        ("Streak", streak or f"{progress.streak_days} day(s) in a row"),
    ]
    if trend:
        rows.append(("Coverage trend", trend))
    blocks: list[Block] = [Heading("Your progress"), Fields(tuple(rows))]
    if streak is not None:
        blocks.append(Paragraph.of(f"Streak freeze: {FREEZE_RULE}"))
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
    if topics:
        split = [line.partition(": ") for line in topics]
        blocks.append(Heading("By topic, up the ladder"))
        blocks.append(Fields(tuple((title, rest) for title, _, rest in split)))
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
    return f"{hours / 24:.0f} day(s)"


def timing(deadline: datetime, now: datetime) -> str:
    seconds = int((deadline - now).total_seconds())
    span = format_duration(abs(seconds))
    if seconds >= 0:
        return f"Revealed with {span} of the suggested time left."
    return f"Revealed {span} after the suggested time."
