"""Replies of the schedule family: a channel's daily drill, and the post itself."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.content.models import Drill
from engine.drills.params import render
from engine.ports import ScheduleSpec
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Deadline,
    Heading,
    Notice,
    Paragraph,
    Reply,
    Span,
    SpanStyle,
    Visibility,
)
from engine.text.counts import join_words
from engine.text.dates import day_label


def describe(spec: ScheduleSpec) -> str:
    about = f" on {spec.topic}" if spec.topic else ""
    return f"every day at {spec.at:%H:%M} {spec.tz}{about}"


def schedule_set(spec: ScheduleSpec, first: datetime) -> Reply:
    local = first.astimezone(ZoneInfo(spec.tz))
    return Reply(
        (
            Notice(f"Daily drill set: {describe(spec)}. First post {local:%a %d %b}."),
            Deadline(first, "First post"),
        ),
        Visibility.PUBLIC,
    )


def schedule_shown(spec: ScheduleSpec, upcoming: datetime, now: datetime) -> Reply:
    today = now.astimezone(ZoneInfo(spec.tz)).date()
    ahead = sorted(d for d in spec.skipped if d > today)  # a past skip is nothing to show
    skips = f" Skipped: {join_words([day_label(d) for d in ahead])}." if ahead else ""
    return Reply(
        (
            Notice(f"Daily drill here: {describe(spec)}.{skips}"),
            Deadline(upcoming, "Next post"),
        ),
        Visibility.PUBLIC,
    )


def no_schedule() -> Reply:
    return Reply(
        (
            Notice(
                "No daily drill here. A channel admin can set one: "
                "/schedule daily 09:00 Europe/Berlin [topic]"
            ),
        )
    )


def schedule_off() -> Reply:
    return Reply((Notice("Daily drill stopped: no more posts here."),), Visibility.PUBLIC)


def skipped(sentence: str) -> Reply:
    return Reply((Notice(sentence),), Visibility.PUBLIC)


def daily_post(drill: Drill, params: Mapping[str, float], ramp: str | None = None) -> Reply:
    """`ramp`: the day's difficulty and the week's climb, said in the post."""
    blocks: list[Block] = [
        Heading(f"Daily drill: {drill.title}"),
        *((Paragraph.of(ramp),) if ramp else ()),
        Paragraph.of(Span(render(drill.prompt, params), SpanStyle.STRONG)),
        Paragraph.of(
            f"Suggested time: {drill.minutes} minutes. Start it on your own, or as a team "
            "challenge here."
        ),
    ]
    if drill.params:
        blocks.append(Paragraph.of("(Your own attempt draws its own numbers.)"))
    blocks.append(
        Buttons(
            (
                Button("Start", buttons.drill_start(drill.id), ButtonStyle.PRIMARY),
                Button("Team challenge", buttons.challenge_start(drill.id)),
            )
        )
    )
    return Reply(tuple(blocks), Visibility.PUBLIC)
