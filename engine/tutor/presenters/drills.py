"""Replies of the drill family: the prompt, the reveal, the next review, progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.content.models import Drill
from engine.drills.params import render
from engine.progress.summary import Progress
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
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
from engine.text.counts import count
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


def scheduled(
    drill: Drill,
    due: datetime,
    now: datetime,
    zone: ZoneInfo,
    rating: str,
    suggested: str,
    interview: date | None = None,
) -> Reply:
    taken = (
        "as the reveal suggested" if rating == suggested else f"the reveal suggested {suggested}"
    )
    aimed = f" Aimed at your interview on {day_label(interview)}." if interview else ""
    return Reply(
        (
            Notice(
                f"Next review of {drill.title}: in {_days(due - now)} "
                f"({due.astimezone(zone):%a %d %b}), rated {rating} ({taken}). "
                f"/drill due serves the most overdue one.{aimed}"
            ),
        )
    )


def confirm_rating(
    drill: Drill, rating: str, suggested: str, covered: str, session_id: int
) -> Reply:
    """A rating two or more steps above the verdict's suggestion: asked once, nothing saved."""
    return Reply(
        (
            Notice(
                f"You rated {drill.title} {rating}, but your sketch {covered}, which suggests "
                f"{suggested}. A rating that is too kind brings the drill back too late. "
                f"Rate it {rating} anyway with /rate {rating} confirm, or take {suggested}.",
                NoticeLevel.WARNING,
            ),
            Buttons(
                (
                    Button(
                        f"{suggested.capitalize()} (suggested)",
                        buttons.rate(suggested, session_id),
                        ButtonStyle.PRIMARY,
                    ),
                    Button(
                        f"{rating.capitalize()}, I mean it",
                        buttons.rate(rating, session_id, confirm=True),
                    ),
                )
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
        ("Streak", streak or f"{count(progress.streak_days, 'day')} in a row"),
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
    if round(hours) < 24:  # 23 h 50 min is "1 day", as the rating said, not "24 h"
        return f"{max(hours, 0):.0f} h"
    return count(round(hours / 24), "day")


def timing(deadline: datetime, now: datetime) -> str:
    seconds = int((deadline - now).total_seconds())
    span = format_duration(abs(seconds))
    if seconds >= 0:
        return f"Revealed with {span} of the suggested time left."
    return f"Revealed {span} after the suggested time."
