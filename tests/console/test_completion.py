"""Tab completion at the console's prompt, from the specs and the shipped content: what each
partial line completes to (the pseudo-terminal test in test_console_tool.py presses Tab)."""

from __future__ import annotations

from functools import partial

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from bot.console.complete import SpecCompleter
from engine.commands.specs import BY_NAME, CLUSTER
from engine.content.loader import Content
from engine.tutor.suggestions import suggestions


@pytest.fixture
def completer(content: Content) -> SpecCompleter:
    return SpecCompleter(partial(suggestions, content))


def complete(completer: SpecCompleter, line: str) -> list[str]:
    found = completer.get_completions(Document(line), CompleteEvent(completion_requested=True))
    return [c.text for c in found]


def test_every_command_completes_from_its_spec(completer: SpecCompleter) -> None:
    assert complete(completer, "/") == [f"/{name}" for name in BY_NAME]
    assert complete(completer, "/clu") == ["/cluster"]
    assert complete(completer, "tr") == ["trace"]  # the slash is optional, as when typed
    assert complete(completer, ":") == [":user", ":channel", ":wait", ":press"]


def test_subcommands_and_their_choices(completer: SpecCompleter) -> None:
    assert complete(completer, "/cluster ") == [s.name for s in CLUSTER.subcommands]
    assert complete(completer, "/cluster k") == ["kill"]
    assert complete(completer, "/cluster kill app-1 ") == ["process", "host"]
    assert complete(completer, "/cluster add r") == ["replica"]
    assert complete(completer, "/trace g") == ["GET"]
    assert complete(completer, "/rate ") == ["again", "hard", "good", "easy"]


def test_keyword_settings_complete_as_key_and_then_value(completer: SpecCompleter) -> None:
    assert complete(completer, "/cluster set l") == ["lb=", "layer=", "lag=", "local_cache="]
    assert complete(completer, "/cluster set fail") == ["fail_timeout="]
    assert complete(completer, "/cluster set lb=l") == ["lb=least-connections"]
    assert "servers=" not in complete(completer, "/cluster set servers=3 ")  # given already
    assert complete(completer, "/settings leaderboard=") == ["leaderboard=on", "leaderboard=off"]


def test_drill_ids_topics_and_lessons_come_from_the_content(
    completer: SpecCompleter, content: Content
) -> None:
    drills = complete(completer, "/drill ")
    assert {"random", "due"} <= set(drills)
    assert {d.topic for d in content.drills.values()} <= set(drills)
    assert set(content.drills) <= set(drills)
    assert complete(completer, "/drill b-read-l") == ["b-read-ladder"]
    assert complete(completer, "/learn ") == list(content.lessons)
    assert complete(completer, "/learn statel") == ["statelessness"]
    assert complete(completer, "/learn hot") == ["hot-keys"]
    assert complete(completer, "/drill cache-st") == ["e02-cache-stampede"]  # found inside


def test_help_completes_commands_then_subcommands(completer: SpecCompleter) -> None:
    assert complete(completer, "/help clu") == ["cluster"]
    assert complete(completer, "/help cluster ki") == ["kill"]
    assert complete(completer, "/help :w") == [":wait"]
    assert complete(completer, "/help trace ") == []


def test_nothing_is_offered_where_nothing_fits(completer: SpecCompleter) -> None:
    assert complete(completer, "/nosuch ") == []
    assert complete(completer, "/answer cache") == []  # free text
    assert complete(completer, "/trace GET /u/7 ") == []
    assert complete(completer, "/cluster nosuch ") == []
