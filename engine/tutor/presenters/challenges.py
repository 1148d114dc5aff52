"""Replies of the challenge family: a challenge's prompt, status and reveal, the leaderboard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from engine.commands import buttons
from engine.content.models import ChecklistEntry, Drill
from engine.drills import texts
from engine.drills.params import render
from engine.drills.scoring import expected_numbers
from engine.load.follow_up import UnderLoad
from engine.ports import BoardRow, StoredEntry
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
    Visibility,
)
from engine.team.scores import POINTS_RULE, Standing, TeamResult
from engine.text.counts import count
from engine.tutor.presenters.reveal import under_load_line

PUBLIC = Visibility.PUBLIC
USER = SpanStyle.USER_TEXT


def started(
    drill: Drill, params: Mapping[str, float], challenge_id: int, deadline: datetime
) -> Reply:
    return Reply(
        (
            Heading(f"Team challenge: {drill.title}"),
            Paragraph.of(Span(render(drill.prompt, params), SpanStyle.STRONG)),
            Deadline(deadline, "Answers close"),
            Paragraph.of(
                "Answer privately with the Answer button or ",
                Span("/answer <text>", SpanStyle.CODE),
                " (several messages are fine). Nobody sees an answer before the reveal, which "
                "is posted here when time is up.",
            ),
            Buttons(
                (
                    Button("Join", buttons.challenge_join(challenge_id)),
                    Button("Answer", buttons.challenge_answer(challenge_id), ButtonStyle.PRIMARY),
                )
            ),
        ),
        PUBLIC,
    )


def already_running(title: str, deadline: datetime, now: datetime) -> Reply:
    if deadline <= now:
        text = f"{title} is still open here: its time is up, and /challenge end reveals it now."
    else:
        text = f"A team challenge is already running here: {title}. /challenge status shows it."
    return Reply((Notice(text, NoticeLevel.WARNING), Deadline(deadline, "Answers close")))


def joined(drill: Drill, params: Mapping[str, float], deadline: datetime) -> Reply:
    return Reply(
        (
            Notice(
                f"You're in: {drill.title}. Answer with /answer <text>; only you see it "
                "until the reveal."
            ),
            Paragraph.of(Span(render(drill.prompt, params), SpanStyle.STRONG)),
            Deadline(deadline, "Answers close"),
        )
    )


def answer_added(title: str, length: int, deadline: datetime) -> Reply:
    return Reply(
        (
            Notice(
                f"Added to your answer for the team challenge {title} ({length:,} characters "
                "so far). Nobody sees it before the reveal."
            ),
            Deadline(deadline, "Answers close"),
        )
    )


def status(
    title: str, starter: str, deadline: datetime, entries: Sequence[StoredEntry], now: datetime
) -> Reply:
    rows = tuple(
        (e.display_name, "answered" if e.answer.strip() else "joined, no answer yet")
        for e in entries
    )
    blocks: list[Block] = [Heading(f"Team challenge: {title}")]
    if starter:  # empty once the starter has used /forget-me
        blocks.append(Paragraph.of("Started by ", Span(starter, SpanStyle.MENTION), "."))
    if deadline <= now:
        blocks.append(Notice("Time is up: the reveal is on its way."))
    else:
        blocks.append(Deadline(deadline, "Answers close"))
    blocks.append(Fields(rows) if rows else Paragraph.of("Nobody has joined yet."))
    return Reply(tuple(blocks), PUBLIC)


def revealed(
    drill: Drill,
    params: Mapping[str, float],
    result: TeamResult,
    ended_early_by: str | None,
    follow: UnderLoad | None = None,
) -> Reply:
    labels = {item.id: item.label for item in drill.checklist}
    when = (
        Paragraph.of("Team challenge over: ended early by ", Span(ended_early_by, USER), ".")
        if ended_early_by
        else Paragraph.of("Team challenge over: time is up.")
    )
    blocks: list[Block] = [
        Heading(f"{drill.title}: together you covered {result.together}/{result.total}"),
        when,
        Checklist(tuple(_item(item, result, params) for item in drill.checklist)),
    ]
    if result.standings:
        blocks.append(Fields(tuple(_standing(s) for s in result.standings)))
    else:
        blocks.append(Paragraph.of("Nobody answered this time."))
    if result.nobody:
        missed = "; ".join(labels[i] for i in result.nobody)
        blocks.append(Paragraph.of(Span("Nobody covered: ", SpanStyle.STRONG), missed + "."))
    follow_up = texts.follow_ups(drill, params)[-1]  # the attempt's own numbers
    blocks.append(Paragraph.of(Span("For the team: ", SpanStyle.STRONG), follow_up))
    if follow is not None:
        blocks.append(under_load_line(follow))
    answer = texts.model_answer(drill, params)
    blocks.append(Paragraph.of(Span("A strong answer: ", SpanStyle.STRONG), answer))
    blocks.append(Paragraph.of(POINTS_RULE, " /leaderboard shows the standings."))
    blocks.append(Buttons((Button("Try it on your own", buttons.drill_start(drill.id)),)))
    return Reply(tuple(blocks), PUBLIC)


def _item(item: ChecklistEntry, result: TeamResult, params: Mapping[str, float]) -> ChecklistItem:
    names = result.covered_by[item.id]
    if names:
        return ChecklistItem(item.label, True, "covered by " + ", ".join(names))
    detail = item.why
    wrong = result.contradicted_by.get(item.id, ())
    if wrong:
        detail = f"contradicted by {', '.join(wrong)}. {detail}"
    numbers = expected_numbers(item, params)
    if numbers:
        detail += " Expected: " + "; ".join(f"{label} ≈ {value}" for label, value in numbers) + "."
    return ChecklistItem(item.label, False, detail, contradicted=bool(wrong))


def _standing(standing: Standing) -> tuple[str, str]:
    if not standing.answered:
        return standing.display_name, "no answer"
    parts = [f"covered {standing.covered}/{standing.total}"]
    if standing.contradicted:
        parts.append(f"{standing.contradicted} contradicted")
    if standing.traps:
        parts.append(count(standing.traps, "trap"))
    if standing.bare_list:
        parts.append("a list of terms")
    best = " (best)" if standing.best else ""
    return standing.display_name, " · ".join([*parts, f"{count(standing.points, 'point')}{best}"])


def leaderboard(rows: Sequence[BoardRow], period_label: str, caller_hidden: bool) -> Reply:
    """`period_label`: "this week (since Monday 30 November)", "all time"…"""
    title = f"Leaderboard: {period_label}"
    blocks: list[Block] = [Heading(title)]
    if rows:
        blocks.append(
            Fields(
                tuple(
                    (
                        f"{rank}. {r.display_name}",
                        f"{count(r.points, 'point')} · {count(r.challenges, 'challenge')}",
                    )
                    for rank, r in enumerate(rows, start=1)
                )
            )
        )
    else:
        blocks.append(Paragraph.of("No points yet. Start a team challenge: /challenge start"))
    if caller_hidden:
        blocks.append(Paragraph.of("You are hidden from it (/settings leaderboard=on shows you)."))
    else:
        blocks.append(Paragraph.of("Rather not be listed? /settings leaderboard=off"))
    return Reply(tuple(blocks), PUBLIC)
