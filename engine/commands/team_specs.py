"""The team-study command specs: /challenge, /leaderboard, /schedule."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.commands import types as t
from engine.commands.options import (
    CommandSpec,
    OptionSpec,
    Raw,
    Suggest,
    choice,
    timezone_name,
    word,
)
from engine.team.daily import parse_clock_time
from engine.team.duration import LONGEST, SHORTEST, looks_like_duration, parse_duration


def _duration(raw: Raw) -> Any:
    return parse_duration(str(raw))


def _clock_time(raw: Raw) -> Any:
    return parse_clock_time(str(raw))


def _span(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    return f"{seconds // 60}m" if seconds % 60 == 0 and seconds >= 60 else f"{seconds}s"


DURATION_HELP = f"like 90s, 7m or 1h ({_span(SHORTEST)}-{_span(LONGEST)}; default: the drill's)"


def _build_start(values: Mapping[str, Any]) -> t.Command:
    """`/challenge start 90s` gives only a duration: read it as one, not as a drill."""
    which, duration = values.get("drill"), values.get("duration")
    if which is not None and duration is None and looks_like_duration(which):
        return t.ChallengeStartCommand(None, parse_duration(which))
    return t.ChallengeStartCommand(which, duration)


CHALLENGE = CommandSpec(
    name="challenge",
    summary="a timed team challenge in this channel",
    usage="start [drill] [duration] | join | status | end",
    default_sub="status",
    subcommands=(
        CommandSpec(
            "start",
            "post a drill to the channel with a shared deadline",
            "[id | topic | random] [duration]",
            _build_start,
            (
                OptionSpec(
                    "drill", "a drill id, a topic, or random", word, suggests=Suggest.DRILLS
                ),
                OptionSpec("duration", DURATION_HELP, _duration),
            ),
            examples=("/challenge start", "/challenge start caching 5m", "/challenge start 90s"),
        ),
        CommandSpec(
            "join", "take part (answering joins you too)", "", lambda v: t.ChallengeJoinCommand()
        ),
        CommandSpec(
            "status",
            "who has answered, and the time left",
            "",
            lambda v: t.ChallengeStatusCommand(),
        ),
        CommandSpec(
            "end",
            "reveal now (the starter or an admin)",
            "",
            lambda v: t.ChallengeEndCommand(),
            admin_only=True,
        ),
    ),
    examples=("/challenge status",),
)

LEADERBOARD = CommandSpec(
    name="leaderboard",
    summary="points from team challenges: 1 per item you covered, +2 for the best",
    usage="[day | week | month | all]",
    build=lambda v: t.LeaderboardCommand(v.get("period", "week")),
    options=(
        OptionSpec(
            "period",
            "day (today), week (since Monday, the default), month, or all (all time), in "
            "your time zone",
            choice("day", "week", "month", "all"),
            choices=("day", "week", "month", "all"),
        ),
    ),
    examples=("/leaderboard", "/leaderboard day", "/leaderboard month", "/leaderboard all"),
)

SCHEDULE = CommandSpec(
    name="schedule",
    summary="a daily drill posted to this channel",
    usage="daily <HH:MM> <Area/City> [topic] | off | skip | show",
    default_sub="show",
    subcommands=(
        CommandSpec(
            "show", "the channel's daily drill, if any", "", lambda v: t.ScheduleShowCommand()
        ),
        CommandSpec(
            "daily",
            "post a drill every day at a local time (channel admins)",
            "<HH:MM> <Area/City> [topic]",
            lambda v: t.ScheduleDailyCommand(v["time"], v["tz"], v.get("topic")),
            (
                OptionSpec("time", "local time of day, like 09:00", _clock_time, True),
                OptionSpec("tz", "time zone, like Europe/Berlin or UTC", timezone_name, True),
                OptionSpec("topic", "a topic or drill id (default: any drill)", word),
            ),
            examples=("/schedule daily 09:00 Europe/Berlin", "/schedule daily 17:30 UTC caching"),
            admin_only=True,
        ),
        CommandSpec(
            "off",
            "stop the daily drill (channel admins)",
            "",
            lambda v: t.ScheduleOffCommand(),
            admin_only=True,
        ),
        CommandSpec(
            "skip",
            "no daily drill tomorrow; the one after comes as usual (channel admins)",
            "",
            lambda v: t.ScheduleSkipCommand(),
            examples=("/schedule skip",),
            admin_only=True,
        ),
    ),
    examples=("/schedule",),
)
