"""Command metadata lives on the specs, and every adapter reads it from there: who sees the
reply, whether the command opens a form, whether its rules ask who is an admin, and what its
options suggest. Checked over every command, and over a command that only exists in this test:
adding one needs no adapter edit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakes.memory_store import MemoryStore

from bot.discord_app import routing
from bot.discord_app.registration import command_payloads
from bot.slack_app.manifest import manifest
from engine.commands import buttons
from engine.commands import types as t
from engine.commands.help import help_reply
from engine.commands.options import CommandSpec, OptionSpec, Suggest, word
from engine.commands.parser import form_of_text, parse_text
from engine.commands.specs import BY_NAME
from engine.content.loader import Content
from engine.drills.sketch import MAX_PIECE
from engine.ports import FixedClock
from engine.replies import Visibility
from engine.tutor import Actor, Tutor

NOTES = CommandSpec(
    name="notes",
    summary="a command the adapters have never heard of",
    usage="[topic]",
    build=lambda v: t.ProgressCommand(),
    options=(OptionSpec("topic", "a lesson", word, suggests=Suggest.LESSONS),),
    private=True,
    opens_form=buttons.drill_answer(),
)


@pytest.fixture
def with_notes(monkeypatch: pytest.MonkeyPatch) -> CommandSpec:
    monkeypatch.setitem(BY_NAME, NOTES.name, NOTES)
    return NOTES


def leaves() -> Iterator[tuple[str, CommandSpec]]:
    """(command name, spec that runs) for every command and subcommand."""
    for spec in BY_NAME.values():
        if spec.subcommands:
            yield from ((spec.name, sub) for sub in spec.subcommands)
        else:
            yield spec.name, spec


def discord_options(name: str) -> list[dict[str, Any]]:
    """Every option (of the command or of its subcommands) as Discord registers it."""
    [payload] = [p for p in command_payloads() if p["name"] == name]
    found = payload.get("options", [])
    if found and found[0]["type"] == 1:
        return [o for sub in found for o in sub.get("options", [])]
    return list(found)


@pytest.mark.parametrize("spec", list(BY_NAME.values()), ids=lambda s: s.name)
def test_every_command_is_registered_routed_and_listed_from_its_spec(spec: CommandSpec) -> None:
    registered = {o["name"]: o for o in discord_options(spec.name)}
    for _, leaf in (item for item in leaves() if item[0] == spec.name):
        for option in leaf.options:
            assert registered[option.name].get("autocomplete", False) is bool(option.suggests)
            if option.rest:
                assert registered[option.name]["max_length"] == MAX_PIECE
    route = routing.slash_command({"name": spec.name})
    if spec.opens_form is not None:
        assert route == routing.OpenForm(spec.opens_form)
    else:
        assert isinstance(route, routing.Run)
        assert route.private is spec.private
    assert form_of_text(f"/{spec.name}") == spec.opens_form
    slack = [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert f"/{spec.name}" in slack
    assert f"/{spec.name}" in str(help_reply(None))


def test_a_new_command_reaches_every_adapter_with_no_adapter_edit(
    with_notes: CommandSpec, content: Content, clock: FixedClock
) -> None:
    registered = {o["name"]: o for o in discord_options("notes")}
    assert registered["topic"]["autocomplete"] is True
    assert routing.slash_command({"name": "notes"}) == routing.OpenForm(buttons.drill_answer())
    typed = {"name": "notes", "options": [{"name": "topic", "type": 3, "value": "caching"}]}
    route = routing.slash_command(typed)
    assert isinstance(route, routing.Run)
    assert route.private is True
    assert form_of_text("/notes") == buttons.drill_answer()  # Slack opens the form
    assert form_of_text("/notes caching") is None
    assert "/notes" in [c["command"] for c in manifest()["features"]["slash_commands"]]
    assert "/notes [topic]" in str(help_reply(None))
    assert parse_text("/notes caching") == t.ProgressCommand()
    tutor = Tutor(MemoryStore(), content, clock)
    assert tutor.suggestions("notes", None, "topic", "cach") == [
        n for n in content.lessons if "cach" in n
    ]
    assert tutor.suggestions("notes", None, "topic", "") == list(content.lessons)[:25]


def lines_by_leaf() -> dict[tuple[str, str], list[str]]:
    """Lines that run each command: its examples, or its bare name if it needs no option."""
    found: dict[tuple[str, str], list[str]] = {}
    for spec in BY_NAME.values():
        examples = (*spec.examples, *(e for s in spec.subcommands for e in s.examples))
        for line in examples:
            words = line.split()
            sub = spec.sub(words[1]) if spec.subcommands and len(words) > 1 else None
            leaf = sub.name if sub else (spec.default_sub or "")
            found.setdefault((spec.name, leaf), []).append(line)
    for name, leaf in leaves():
        if not any(o.required for o in leaf.options):
            bare = f"/{name} {leaf.name}" if leaf.name != name else f"/{name}"
            found.setdefault((name, leaf.name if leaf.name != name else ""), []).append(bare)
    return found


async def test_admin_only_is_exactly_the_commands_whose_rules_ask_who_is_an_admin(
    content: Content, clock: FixedClock
) -> None:
    lines = lines_by_leaf()
    for name, leaf in leaves():
        key = (name, leaf.name if leaf.name != name else "")
        where = f"/{name} {key[1]}".rstrip()
        assert lines.get(key), f"{where}: give it an example in its spec"
    store = MemoryStore()
    tutor = Tutor(store, content, clock)
    starter = Actor("slack", "T1", "ana", "ana", "study")
    for (name, leaf_name), examples in lines.items():
        spec = BY_NAME[name]
        leaf = spec.sub(leaf_name) if spec.subcommands else spec
        assert leaf is not None
        for line in examples:
            await tutor.handle_text(starter, "/challenge start a-cpu-at-80 5m")
            asked = 0

            async def check() -> bool:
                nonlocal asked
                asked += 1
                return False

            member = Actor("slack", "T1", "ben", "ben", "study", admin_check=check)
            reply = await tutor.handle_text(member, line)
            assert not reply.correlation_id, f"{line}: failed inside"
            assert (asked > 0) is leaf.admin_only, f"{line}: asked {asked} time(s)"
            assert reply.visibility is Visibility.PRIVATE or not spec.private, line
