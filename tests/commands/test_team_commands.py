"""The team-study grammar: /challenge, /leaderboard, /schedule, the answer form, the buttons."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from engine.commands import buttons
from engine.commands import types as t
from engine.commands.help import help_reply
from engine.commands.parser import parse_options, parse_text
from engine.errors import UsageError
from engine.replies import Fields, Paragraph


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/challenge", t.ChallengeStatusCommand()),
        ("/challenge start", t.ChallengeStartCommand()),
        ("/challenge start 90s", t.ChallengeStartCommand(None, timedelta(seconds=90))),
        ("/challenge start caching 7m", t.ChallengeStartCommand("caching", timedelta(minutes=7))),
        ("/challenge start random", t.ChallengeStartCommand("random")),
        ("/challenge join", t.ChallengeJoinCommand()),
        ("/challenge end", t.ChallengeEndCommand()),
        ("/leaderboard", t.LeaderboardCommand("week")),
        ("/leaderboard all", t.LeaderboardCommand("all")),
        ("/schedule", t.ScheduleShowCommand()),
        ("/schedule off", t.ScheduleOffCommand()),
        (
            "/schedule daily 9:00 Europe/Berlin caching",
            t.ScheduleDailyCommand(time(9), "Europe/Berlin", "caching"),
        ),
        ("/settings leaderboard=off", t.SettingsCommand((("leaderboard", "off"),))),
    ],
)
def test_team_lines_parse(line: str, expected: t.Command) -> None:
    assert parse_text(line) == expected


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("/challenge start caching 2h", "from 10s to 60m"),
        ("/challenge start caching soon", "not a duration"),
        ("/challenge begin", "Did you mean /challenge end?"),
        ("/leaderboard year", "not one of day, week, month, all"),
        ("/schedule daily 09:00 Moon/Base", "not a time zone"),
        ("/schedule daily noon UTC", "HH:MM"),
        ("/settings leaderboard=maybe", "not one of on, off"),
    ],
)
def test_bad_team_lines_say_why(line: str, reason: str) -> None:
    with pytest.raises(UsageError, match=reason):
        parse_text(line)


def test_the_answer_form_names_its_challenge_but_typing_cannot() -> None:
    form = buttons.answer_form(buttons.challenge_answer(42))
    assert form is not None
    assert form.options == {"challenge": "42"}
    command = parse_options("answer", None, {"text": "cache it", **form.options})
    assert command == t.AnswerCommand("cache it", 42)
    assert parse_text("/answer challenge=42 hi") == t.AnswerCommand("challenge=42 hi")
    assert buttons.answer_form(buttons.drill_answer()) == buttons.AnswerForm(None)
    assert buttons.AnswerForm(None).options == {}
    for other in (buttons.challenge_join(42), "r1:ca:x", "r1:ca:" + "9" * 200, "junk"):
        assert buttons.answer_form(other) is None
    with pytest.raises(UsageError):
        parse_options("answer", None, {"text": "x", "challenge": "nope"})


def test_the_form_option_stays_out_of_help() -> None:
    blocks = help_reply("answer").blocks
    shown = " ".join(
        " ".join(k for k, _ in b.items) if isinstance(b, Fields) else "" for b in blocks
    ) + " ".join("".join(s.text for s in b.spans) for b in blocks if isinstance(b, Paragraph))
    assert "challenge" not in shown


def test_team_buttons_round_trip_and_stay_short() -> None:
    big = 10**12 - 1
    assert buttons.parse_button(buttons.challenge_join(big)) == t.ChallengeJoinCommand(big)
    assert buttons.parse_button(buttons.challenge_answer(7)) == t.ChallengeJoinCommand(7)
    start = buttons.challenge_start("e14-cascading-failure")
    assert buttons.parse_button(start) == t.ChallengeStartCommand("e14-cascading-failure")
    assert max(len(buttons.challenge_join(big)), len(start)) <= buttons.MAX_LENGTH
    with pytest.raises(UsageError):
        buttons.parse_button("r1:cs:Not_An_Id")
