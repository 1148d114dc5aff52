"""The one grammar: text lines, structured options and button ids all become typed commands.

Bad input is a UsageError with a short one-line reason and a usage string, and unknown commands
get a "did you mean" suggestion. Help is generated from the same specs the parser uses.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.commands import buttons
from engine.commands import types as t
from engine.commands.buttons import parse_button
from engine.commands.help import help_reply
from engine.commands.parser import parse_command, parse_options, parse_text
from engine.commands.specs import BY_NAME, CLUSTER, COMMANDS, usage_line
from engine.errors import UsageError
from engine.replies import Fields, Heading, Notice, Paragraph, Preformatted, Reply
from engine.sim.config import Layer, LbAlgorithm
from engine.sim.request import Method

# --- helpers -------------------------------------------------------------------------------


def usage_error(call: Any, *args: Any) -> UsageError:
    with pytest.raises(UsageError) as info:
        call(*args)
    return info.value


def assert_short_reason(error: UsageError) -> None:
    """A one-line reason a user can read at a glance, plus a usage string."""
    message = error.message
    assert message, "a UsageError needs a reason"
    assert "\n" not in message, repr(message)
    assert "\r" not in message, repr(message)
    assert len(message.splitlines()) == 1, repr(message)
    assert len(message) < 200, f"{len(message)} characters: {message!r}"
    assert not any(unicodedata.category(ch) == "Cc" for ch in message), repr(message)
    assert "Traceback" not in message, repr(message)
    assert "Error" not in message, repr(message)
    assert error.usage, f"no usage for {message!r}"
    assert "\n" not in error.usage


def reply_text(reply: Reply) -> str:
    """Every word a reply carries, whatever the block type."""
    parts: list[str] = []
    for block in reply.blocks:
        match block:
            case Heading(text) | Preformatted(text) | Notice(text, _):
                parts.append(text)
            case Paragraph(spans):
                parts.append("".join(span.text for span in spans))
            case Fields(items):
                parts.extend(f"{key}  {value}" for key, value in items)
    return "\n".join(parts)


# --- every command of the surface, from text -------------------------------------------------

SURFACE: list[tuple[str, t.Command]] = [
    ("/trace GET /u/7", t.TraceCommand(Method.GET, "/u/7")),
    ("/trace HEAD /u/7", t.TraceCommand(Method.HEAD, "/u/7")),
    ("/trace POST /u", t.TraceCommand(Method.POST, "/u")),
    ("/trace PUT /u/7", t.TraceCommand(Method.PUT, "/u/7")),
    ("/trace PATCH /u/7", t.TraceCommand(Method.PATCH, "/u/7")),
    ("/trace DELETE /u/7", t.TraceCommand(Method.DELETE, "/u/7")),
    ("/trace GET /", t.TraceCommand(Method.GET, "/")),
    ("/trace GET /p/12/comments", t.TraceCommand(Method.GET, "/p/12/comments")),
    ("/trace /u/7", t.TraceCommand(Method.GET, "/u/7")),
    ("/cluster", t.ClusterShowCommand()),
    ("/cluster show", t.ClusterShowCommand()),
    ("/cluster reset", t.ClusterResetCommand(None)),
    ("/cluster reset 42", t.ClusterResetCommand(42)),
    (
        "/cluster set lb=least-connections servers=4",
        t.ClusterSetCommand((("lb", LbAlgorithm.LEAST_CONNECTIONS), ("servers", 4))),
    ),
    ("/cluster set lb=round-robin", t.ClusterSetCommand((("lb", LbAlgorithm.ROUND_ROBIN),))),
    ("/cluster set lb=weighted", t.ClusterSetCommand((("lb", LbAlgorithm.WEIGHTED),))),
    (
        "/cluster set lb=consistent-hash",
        t.ClusterSetCommand((("lb", LbAlgorithm.CONSISTENT_HASH),)),
    ),
    ("/cluster set servers=1", t.ClusterSetCommand((("servers", 1),))),
    ("/cluster set servers=16", t.ClusterSetCommand((("servers", 16),))),
    ("/cluster set weights=3,1,1", t.ClusterSetCommand((("weights", (3, 1, 1)),))),
    ("/cluster set replicas=0", t.ClusterSetCommand((("replicas", 0),))),
    ("/cluster set replicas=5", t.ClusterSetCommand((("replicas", 5),))),
    ("/cluster set shards=8", t.ClusterSetCommand((("shards", 8),))),
    ("/cluster set cache=0", t.ClusterSetCommand((("cache", 0),))),
    ("/cluster set cache=10000", t.ClusterSetCommand((("cache", 10_000),))),
    ("/cluster set ttl=60", t.ClusterSetCommand((("ttl", 60),))),
    ("/cluster set sticky=on", t.ClusterSetCommand((("sticky", "on"),))),
    ("/cluster set sticky=off", t.ClusterSetCommand((("sticky", "off"),))),
    ("/cluster set layer=l4", t.ClusterSetCommand((("layer", Layer.L4),))),
    ("/cluster set layer=l7", t.ClusterSetCommand((("layer", Layer.L7),))),
    ("/cluster set lag=500", t.ClusterSetCommand((("lag", 500),))),
    ("/cluster set ryw=on", t.ClusterSetCommand((("ryw", "on"),))),
    ("/cluster set interval=5", t.ClusterSetCommand((("interval", 5),))),
    ("/cluster set fall=2 rise=4", t.ClusterSetCommand((("fall", 2), ("rise", 4)))),
    ("/cluster set seed=7", t.ClusterSetCommand((("seed", 7),))),
    (
        "/cluster set replicas=2 lag=500 ryw=on",
        t.ClusterSetCommand((("replicas", 2), ("lag", 500), ("ryw", "on"))),
    ),
    ("/cluster kill app-1", t.ClusterKillCommand("app-1")),
    ("/cluster kill lb", t.ClusterKillCommand("lb")),
    ("/cluster kill shard-1-replica-0", t.ClusterKillCommand("shard-1-replica-0")),
    ("/cluster revive app-1", t.ClusterReviveCommand("app-1")),
    ("/cluster slow app-0", t.ClusterSlowCommand("app-0", None)),
    ("/cluster slow app-0 500", t.ClusterSlowCommand("app-0", 500)),
    ("/cluster slow app-0 500ms", t.ClusterSlowCommand("app-0", 500)),
    ("/cluster wait 6", t.ClusterWaitCommand(6.0)),
    ("/cluster wait 0.5", t.ClusterWaitCommand(0.5)),
    ("/cluster wait 6s", t.ClusterWaitCommand(6.0)),
    ("/cluster add server", t.ClusterAddCommand("server")),
    ("/cluster add replica", t.ClusterAddCommand("replica")),
    ("/cluster add shard", t.ClusterAddCommand("shard")),
    ("/learn", t.LearnCommand(None)),
    ("/learn statelessness", t.LearnCommand("statelessness")),
    ("/learn round-robin", t.LearnCommand("round-robin")),
    ("/help", t.HelpCommand(None)),
    ("/help trace", t.HelpCommand("trace")),
    ("/help cluster", t.HelpCommand("cluster")),
]


@pytest.mark.parametrize(("line", "expected"), SURFACE, ids=[line for line, _ in SURFACE])
def test_every_command_parses_from_text(line: str, expected: t.Command) -> None:
    assert parse_text(line) == expected


@pytest.mark.parametrize(("line", "expected"), SURFACE, ids=[line for line, _ in SURFACE])
def test_the_leading_slash_is_optional(line: str, expected: t.Command) -> None:
    assert parse_text(line.removeprefix("/")) == expected


@pytest.mark.parametrize(("line", "expected"), SURFACE, ids=[line for line, _ in SURFACE])
def test_surrounding_and_repeated_whitespace_is_ignored(line: str, expected: t.Command) -> None:
    assert parse_text("  " + line.replace(" ", " \t  ") + "  \n") == expected


@pytest.mark.parametrize(("line", "expected"), SURFACE, ids=[line for line, _ in SURFACE])
def test_parse_command_takes_the_argument_text_of_a_named_command(
    line: str, expected: t.Command
) -> None:
    name, _, rest = line.partition(" ")
    assert parse_command(name, rest) == expected
    assert parse_command(name.removeprefix("/"), rest) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/TRACE get /u/7", t.TraceCommand(Method.GET, "/u/7")),
        ("/Trace Delete /u/7", t.TraceCommand(Method.DELETE, "/u/7")),
        ("TRACE pAtCh /u/7", t.TraceCommand(Method.PATCH, "/u/7")),
        ("/CLUSTER", t.ClusterShowCommand()),
        ("/Cluster SHOW", t.ClusterShowCommand()),
        ("/cluster KILL APP-1", t.ClusterKillCommand("app-1")),
        ("/cluster Revive App-1", t.ClusterReviveCommand("app-1")),
        ("/CLUSTER SET Servers=4", t.ClusterSetCommand((("servers", 4),))),
        (
            "/cluster set LB=Least-Connections STICKY=ON LAYER=L4",
            t.ClusterSetCommand(
                (("lb", LbAlgorithm.LEAST_CONNECTIONS), ("sticky", "on"), ("layer", Layer.L4))
            ),
        ),
        ("/cluster ADD Server", t.ClusterAddCommand("server")),
        ("/LEARN Statelessness", t.LearnCommand("statelessness")),
        ("/HELP Trace", t.HelpCommand("trace")),
    ],
)
def test_command_names_methods_and_words_are_case_insensitive(
    line: str, expected: t.Command
) -> None:
    assert parse_text(line) == expected


def test_paths_keep_their_case() -> None:
    assert parse_text("/trace get /U/Seven") == t.TraceCommand(Method.GET, "/U/Seven")


def test_unknown_node_names_are_accepted_by_the_parser_as_words() -> None:
    # Which nodes exist depends on the cluster, so the Tutor (not the grammar) rejects them.
    assert parse_text("/cluster kill app-99") == t.ClusterKillCommand("app-99")
    assert parse_text("/cluster revive nosuch") == t.ClusterReviveCommand("nosuch")
    assert parse_text("/cluster slow frobnicator 10") == t.ClusterSlowCommand("frobnicator", 10)


def test_unknown_settings_are_rejected_by_the_parser() -> None:
    error = usage_error(parse_text, "/cluster set frobnicate=1")
    assert_short_reason(error)
    assert "frobnicate" in error.message
    assert "servers" in error.message  # the reason lists the settings there are


def test_help_with_a_slashed_command_name() -> None:
    # The help text says "More on one command: /help <command>", and people type the slash.
    assert parse_text("/help /trace") in (t.HelpCommand("trace"), t.HelpCommand("/trace"))


# --- structured options give the same commands as text ---------------------------------------

EQUIVALENT: list[tuple[str, str, str | None, dict[str, Any]]] = [
    ("/trace GET /u/7", "trace", None, {"method": "GET", "path": "/u/7"}),
    ("/trace delete /u/7", "trace", None, {"method": "delete", "path": "/u/7"}),
    ("/cluster", "cluster", None, {}),
    ("/cluster show", "cluster", "show", {}),
    ("/cluster reset", "cluster", "reset", {}),
    ("/cluster reset 9", "cluster", "reset", {"seed": 9}),
    ("/cluster set servers=4", "cluster", "set", {"servers": 4}),
    ("/cluster set servers=4", "cluster", "set", {"servers": "4"}),
    (
        "/cluster set lb=least-connections servers=4 sticky=on layer=l4",
        "cluster",
        "set",
        {"lb": "least-connections", "servers": 4, "sticky": "on", "layer": "l4"},
    ),
    ("/cluster set weights=3,1,1", "cluster", "set", {"weights": "3,1,1"}),
    (
        "/cluster set replicas=2 lag=500 ryw=on",
        "cluster",
        "set",
        {"replicas": 2, "lag": 500, "ryw": "on"},
    ),
    ("/cluster kill app-1", "cluster", "kill", {"node": "app-1"}),
    ("/cluster revive app-1", "cluster", "revive", {"node": "app-1"}),
    ("/cluster slow app-0", "cluster", "slow", {"node": "app-0"}),
    ("/cluster slow app-0 250", "cluster", "slow", {"node": "app-0", "ms": 250}),
    ("/cluster wait 6", "cluster", "wait", {"seconds": 6}),
    ("/cluster wait 2.5", "cluster", "wait", {"seconds": 2.5}),
    ("/cluster add replica", "cluster", "add", {"kind": "replica"}),
    ("/learn", "learn", None, {}),
    ("/learn caching", "learn", None, {"topic": "caching"}),
    ("/help", "help", None, {}),
    ("/help cluster", "help", None, {"command": "cluster"}),
]


@pytest.mark.parametrize(
    ("line", "name", "sub", "options"), EQUIVALENT, ids=[e[0] for e in EQUIVALENT]
)
def test_parse_options_gives_the_same_command_as_the_text_form(
    line: str, name: str, sub: str | None, options: dict[str, Any]
) -> None:
    assert parse_options(name, sub, options) == parse_text(line)


def test_parse_options_names_are_case_insensitive() -> None:
    assert parse_options("CLUSTER", "SET", {"servers": 4}) == parse_text("/cluster set servers=4")


@pytest.mark.parametrize(
    ("name", "sub", "options", "fragment"),
    [
        ("trace", None, {"method": "FETCH", "path": "/u/7"}, "FETCH"),
        ("trace", None, {"method": "GET", "path": "u/7"}, "slash"),
        ("trace", None, {"method": "GET", "path": "/u/7", "colour": "red"}, "colour"),
        ("cluster", "set", {"servers": 0}, "servers"),
        ("cluster", "set", {"servers": 10_000}, "10000"),
        ("cluster", "set", {"frobnicate": 1}, "frobnicate"),
        ("cluster", "set", {}, "servers=4"),
        ("cluster", "wait", {"seconds": 0}, "0.1"),
        ("cluster", "kil", {"node": "app-1"}, "/cluster kill"),
        ("tarce", None, {}, "/trace"),
    ],
)
def test_parse_options_rejects_bad_options_with_a_usage_error(
    name: str, sub: str | None, options: dict[str, Any], fragment: str
) -> None:
    error = usage_error(parse_options, name, sub, options)
    assert_short_reason(error)
    assert fragment.lower() in error.message.lower()


@pytest.mark.parametrize(
    ("name", "sub", "options"),
    [
        ("trace", None, {}),
        ("trace", None, {"method": "GET"}),
        ("trace", None, {"path": "/u/7"}),
        ("cluster", "kill", {}),
        ("cluster", "revive", {}),
        ("cluster", "slow", {"ms": 100}),
        ("cluster", "wait", {}),
        ("cluster", "add", {}),
    ],
)
def test_parse_options_missing_a_required_option_is_a_usage_error(
    name: str, sub: str | None, options: dict[str, Any]
) -> None:
    # A Discord modal or an old registration can omit an option: that is bad input, not a crash.
    error = usage_error(parse_options, name, sub, options)
    assert_short_reason(error)
    assert error.message.startswith("Missing <"), error.message


@pytest.mark.parametrize(
    ("name", "sub", "options"),
    [
        ("trace", None, {"method": "GET", "path": "/u/7\n"}),
        ("trace", None, {"method": "GET", "path": "/u/7\n/cluster reset"}),
        ("trace", None, {"method": "GE\nT", "path": "/u/7"}),
        ("cluster", "kill", {"node": "app\n-1"}),
        ("cluster", "kill", {"node": "app-1\x07"}),
        ("learn", None, {"topic": "cach\ning"}),
    ],
)
def test_parse_options_values_with_control_characters_get_a_one_line_reason(
    name: str, sub: str | None, options: dict[str, Any]
) -> None:
    # Modal fields can hold newlines; they must neither slip into a command nor into the reason.
    error = usage_error(parse_options, name, sub, options)
    assert_short_reason(error)


# --- button ids -----------------------------------------------------------------------------

NUMBERS = st.integers(min_value=0, max_value=10**12 - 1)


@given(trace_no=NUMBERS, cursor=NUMBERS)
def test_trace_step_buttons_round_trip(trace_no: int, cursor: int) -> None:
    action_id = buttons.trace_step(trace_no, cursor)
    assert len(action_id) <= 100
    assert action_id.isascii()
    assert parse_button(action_id) == t.TraceViewCommand(trace_no, cursor)


@given(trace_no=NUMBERS)
def test_trace_all_buttons_round_trip(trace_no: int) -> None:
    action_id = buttons.trace_all(trace_no)
    assert len(action_id) <= 100
    assert parse_button(action_id) == t.TraceViewCommand(trace_no, None)


def test_button_ids_are_versioned_and_distinct() -> None:
    step, every = buttons.trace_step(3, 1), buttons.trace_all(3)
    assert step.startswith(buttons.VERSION + ":")
    assert every.startswith(buttons.VERSION + ":")
    assert len({step, every, buttons.trace_step(3, 2), buttons.trace_step(1, 3)}) == 4


@pytest.mark.parametrize(
    "action_id",
    [
        "r0:ts:1:2",
        "r2:ta:1",
        "v1:ta:1",
        "R1:ta:1",
        "legacy-next-step",
        "",
        ":",
        "r1",
        "r1:" + "9" * 200,
        "x" * 100_000,
    ],
)
def test_a_foreign_version_or_garbage_gets_a_polite_usage_error(action_id: str) -> None:
    error = usage_error(parse_button, action_id)
    message = error.message
    assert "\n" not in message
    assert len(message) < 200
    assert "run the command again" in message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    "action_id",
    [
        "r1:",
        "r1:ts",
        "r1:ts:1",
        "r1:ts:1:2:3",
        "r1:ts:a:b",
        "r1:ta:-1",
        "r1:ta:1:2",
        "r1:ta:" + "1" * 13,
        "r1:zz:1",
        "r1:TA:1",
        "r1:ta:²",
    ],
)
def test_a_current_version_id_that_does_not_fit_is_a_usage_error(action_id: str) -> None:
    error = usage_error(parse_button, action_id)
    assert "\n" not in error.message
    assert len(error.message) < 200
    assert "run the command again" in error.message


def test_button_encoders_refuse_to_exceed_100_characters() -> None:
    with pytest.raises(ValueError, match="too long"):
        buttons.trace_step(10**60, 10**40)


# --- bad input ------------------------------------------------------------------------------

BAD_LINES: list[tuple[str, str, str]] = [
    # (line, a fragment the reason must hold, a fragment the usage must hold)
    ("/trace FETCH /u/7", "FETCH", "/trace <METHOD> <path>"),
    ("/trace GET u/7", "slash", "/trace <METHOD> <path>"),
    ("/trace GET //u/7", "path", "/trace <METHOD> <path>"),
    ("/trace GET /u/7?x=1", "path", "/trace <METHOD> <path>"),
    ("/trace GET /" + "a" * 200, "120", "/trace <METHOD> <path>"),
    ("x" * 100_000, "100,000", "/help"),
    ("/trace GET /u/" + "7" * 100_000, "limit", "/help"),
    ("/trace GET /u/7\x07", "control", "/help"),
    ("/trace\x00 GET /u/7", "control", "/help"),
    ("\x1b[2J/cluster reset", "control", "/help"),
    ("/cluster set servers=0", "1 to 16", "/cluster set"),
    ("/cluster set servers=10000", "10000", "/cluster set"),
    ("/cluster set servers=-3", "-3", "/cluster set"),
    ("/cluster set servers=four", "whole number", "/cluster set"),
    ("/cluster set servers=99999999999", "whole number", "/cluster set"),
    ("/cluster set replicas=6", "replicas", "/cluster set"),
    ("/cluster set shards=0", "shards", "/cluster set"),
    ("/cluster set ttl=0", "1 to 86400", "/cluster set"),
    ("/cluster set weights=3,,1", "weight", "/cluster set"),
    ("/cluster set weights=0,1", "weight", "/cluster set"),
    ("/cluster set sticky=maybe", "maybe", "/cluster set"),
    ("/cluster set lb=random", "random", "/cluster set"),
    ("/cluster set layer=l3", "l3", "/cluster set"),
    ("/cluster set frobnicate=1", "frobnicate", "/cluster set"),
    ("/cluster set servers", "key=value", "/cluster set"),
    ("/cluster set servers=", "key=value", "/cluster set"),
    ("/cluster set servers=", "like lb=least-connections", "/cluster set"),
    # The example is the command's own: a /settings mistake is shown a setting, not servers=4.
    ("/settings interview=", "like tz=Europe/Berlin", "/settings"),
    ("/settings tz", "key=value", "/settings"),
    ("/cluster set", "servers=4", "/cluster set"),
    ("/cluster set servers=4 colour=red", "colour", "/cluster set"),
    ("/cluster wait", "<seconds>", "/cluster wait"),
    ("/drill list all", "Unexpected 'all': only confirm can go there", "/drill"),
    ("/drill caching please", "Unexpected 'please': only confirm", "/drill"),
    ("/cluster wait soon", "soon", "/cluster wait"),
    ("/cluster wait 0", "0.1", "/cluster wait"),
    ("/cluster wait 86400", "3600", "/cluster wait"),
    ("/cluster wait nan", "0.1", "/cluster wait"),
    ("/cluster wait inf", "0.1", "/cluster wait"),
    ("/cluster kill", "<node>", "/cluster kill"),
    ("/cluster kill app_1", "app_1", "/cluster kill"),
    ("/cluster kill app-1 app-2", "app-2", "/cluster kill"),
    ("/cluster revive", "<node>", "/cluster revive"),
    ("/cluster slow app-0 0", "60000", "/cluster slow"),
    ("/cluster add cpu", "cpu", "/cluster add"),
    ("/cluster add", "<kind>", "/cluster add"),
    ("/cluster reset -1", "-1", "/cluster reset"),
    ("/cluster reset 1 2", "2", "/cluster reset"),
    ("/cluster show everything", "everything", "/cluster show"),
    ("/trace", "<method>", "/trace <METHOD> <path>"),
    ("/trace GET", "<path>", "/trace <METHOD> <path>"),
    ("/trace GET /u/7 /u/8", "/u/8", "/trace <METHOD> <path>"),
    ("/trace GET /u/7 please", "please", "/trace <METHOD> <path>"),
    ("/learn load balancers", "balancers", "/learn [topic]"),
    ("/learn ???", "???", "/learn [topic]"),
    ("/help trace cluster", "no subcommands", "/help [command] [subcommand]"),
    ("/help cluster kill app-1", "app-1", "/help [command] [subcommand]"),
    ("", "command", "/help"),
    ("   \t ", "command", "/help"),
    ("/", "no command", "/help"),
    ("/xyzzy", "xyzzy", "/help"),
]


@pytest.mark.parametrize(("line", "reason", "usage"), BAD_LINES, ids=[b[0][:40] for b in BAD_LINES])
def test_bad_input_is_a_usage_error_with_a_one_line_reason(
    line: str, reason: str, usage: str
) -> None:
    error = usage_error(parse_text, line)
    assert_short_reason(error)
    assert reason.lower() in error.message.lower(), error.message
    assert usage in error.usage, error.usage


NAMED_BAD_LINES = [
    line for line, _, _ in BAD_LINES if line.startswith("/") and " " in line and line.isprintable()
]


@pytest.mark.parametrize("line", NAMED_BAD_LINES, ids=[line[:40] for line in NAMED_BAD_LINES])
def test_bad_argument_text_of_a_named_command_is_a_usage_error(line: str) -> None:
    name, _, rest = line.partition(" ")
    assert_short_reason(usage_error(parse_command, name, rest))


@pytest.mark.parametrize(
    "rest", ["GET /u/7\x07", "x" * 100_000, "GET /u/7 \x1b[2J", "\x00"], ids=repr
)
def test_parse_command_checks_the_argument_text_like_a_line(rest: str) -> None:
    assert_short_reason(usage_error(parse_command, "trace", rest))


def test_the_usage_of_a_malformed_command_comes_from_its_spec() -> None:
    trace = next(spec for spec in COMMANDS if spec.name == "trace")
    kill = CLUSTER.sub("kill")
    assert kill is not None
    assert usage_error(parse_text, "/trace GET").usage == "Usage: " + usage_line(trace)
    assert usage_error(parse_text, "/cluster kill").usage == "Usage: " + usage_line(kill, CLUSTER)


def test_a_long_bad_token_is_cut_short_in_the_reason() -> None:
    for line in (
        "/cluster set " + "k" * 3_000 + "=1",
        "/cluster kill " + "é" * 3_000,
        "/trace " + "M" * 3_000 + " /u/7",
        "/" + "q" * 3_000,
        "/cluster " + "s" * 3_000,
        "/trace GET /u/7 " + "z" * 3_000,
    ):
        assert_short_reason(usage_error(parse_text, line))


# --- suggestions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "suggestion"),
    [
        ("/tarce", "/trace"),
        ("/tarce GET /u/7", "/trace"),
        ("/trcae GET /u/7", "/trace"),
        ("/clustr show", "/cluster"),
        ("/lern", "/learn"),
        ("/hlep", "/help"),
        ("/cluster kil", "/cluster kill"),
        ("/cluster kil app-1", "/cluster kill"),
        ("/cluster shw", "/cluster show"),
        ("/cluster revve app-1", "/cluster revive"),
        ("/cluster wiat 6", "/cluster wait"),
        ("/cluster rest", "/cluster reset"),
    ],
)
def test_unknown_commands_suggest_the_right_one(line: str, suggestion: str) -> None:
    error = usage_error(parse_text, line)
    assert_short_reason(error)
    assert error.suggestion == suggestion
    assert f"Did you mean {suggestion}?" in error.message


def test_an_unrelated_word_gets_no_suggestion() -> None:
    error = usage_error(parse_text, "/xyzzy")
    assert error.suggestion is None
    assert "Did you mean" not in error.message


def test_a_misspelt_setting_suggests_the_setting() -> None:
    error = usage_error(parse_text, "/cluster set sever=2")
    assert_short_reason(error)
    assert "Did you mean servers=?" in error.message


# --- help is generated from the specs -------------------------------------------------------


def test_help_lists_every_command_with_its_usage_and_summary() -> None:
    text = reply_text(help_reply(None))
    for spec in COMMANDS:
        if spec.subcommands:  # the index names them; `/help <command>` gives the full usage
            brief = f"/{spec.name} " + "|".join(sub.name for sub in spec.subcommands)
            assert brief in text, spec.name
        else:
            assert usage_line(spec) in text, spec.name
        assert spec.summary in text, spec.name
    for name in ("/trace", "/cluster", "/learn", "/help"):
        assert name in text


def test_help_cluster_lists_every_subcommand_and_setting() -> None:
    text = reply_text(help_reply("cluster"))
    for sub in CLUSTER.subcommands:
        assert usage_line(sub, CLUSTER) in text, sub.name
        assert sub.summary in text, sub.name
    # The surface, spelt out, so the specs cannot silently lose one.
    for sub_name in ("show", "reset", "set", "kill", "revive", "wait", "add"):
        assert f"/cluster {sub_name}" in text
    set_spec = CLUSTER.sub("set")
    assert set_spec is not None
    for option in set_spec.options:
        assert option.name in text
    for key in ("lb", "servers", "replicas", "shards", "cache", "ttl", "sticky", "layer"):
        assert f"\n{key}  " in text  # a row of the settings table


@pytest.mark.parametrize("spec", COMMANDS, ids=[spec.name for spec in COMMANDS])
def test_help_for_each_command(spec: Any) -> None:
    reply = help_reply(spec.name)
    heading = reply.blocks[0]
    assert isinstance(heading, Heading)
    assert heading.text.startswith(f"/{spec.name}")
    assert usage_line(spec) in reply_text(reply) or spec.subcommands


def test_help_examples_are_commands_that_parse() -> None:
    examples = [e for spec in COMMANDS for e in spec.examples]
    examples += [e for spec in COMMANDS for sub in spec.subcommands for e in sub.examples]
    assert "/trace GET /u/7" in examples
    for example in examples:
        parse_text(example)  # raises UsageError if help ever shows a command that does not parse


def test_help_for_an_unknown_command_is_a_usage_error() -> None:
    error = usage_error(help_reply, "tarce")
    assert_short_reason(error)
    assert "tarce" in error.message


# --- help for every subcommand, and a request typed without /trace ---------------------------


@pytest.mark.parametrize(
    ("command", "sub"),
    [(spec.name, sub.name) for spec in BY_NAME.values() for sub in spec.subcommands],
)
def test_help_explains_every_subcommand_in_full(command: str, sub: str) -> None:
    assert parse_text(f"/help {command} {sub}") == t.HelpCommand(command, sub)
    text = reply_text(help_reply(command, sub))
    spec = BY_NAME[command]
    leaf = spec.sub(sub)
    assert leaf is not None
    assert text.startswith(f"/{command} {sub}: {leaf.summary}")
    assert f"/{command} {sub} {leaf.usage}".rstrip() in text
    for option in leaf.options:
        assert option.name in text


def test_help_names_each_choice_once() -> None:
    text = reply_text(help_reply("cluster", "kill"))
    line = next(li for li in text.splitlines() if "mode" in li)
    assert line.endswith("process: refused at once (default); host: no answer, connect timeout")
    # A help that does not explain its choices still lists them.
    assert "off hides you from the leaderboard: on, off" in reply_text(help_reply("settings"))


def test_help_of_an_unknown_subcommand_suggests_one() -> None:
    error = usage_error(help_reply, "cluster", "klil")
    assert error.message == "/cluster has no 'klil'. Did you mean /help cluster kill?"
    assert error.suggestion == "/help cluster kill"


@pytest.mark.parametrize(
    ("line", "suggestion"),
    [
        ("GET /u/7", "/trace GET /u/7"),
        ("delete /u/9", "/trace DELETE /u/9"),
        ("/u/7", "/trace GET /u/7"),
        # A body or header pasted after it is no command either (not "Did you mean /export?").
        ("POST /u/7 name=x", "/trace POST /u/7"),
    ],
)
def test_a_request_without_trace_suggests_the_trace(line: str, suggestion: str) -> None:
    error = usage_error(parse_text, line)
    assert error.suggestion == suggestion
    assert error.message == f"That reads as a request. Did you mean {suggestion}?"


def test_a_keyword_given_twice_is_refused_for_every_keyword_command() -> None:
    error = usage_error(parse_text, "/settings leaderboard=on leaderboard=off")
    assert error.message == "leaderboard is given twice; give each setting once."
