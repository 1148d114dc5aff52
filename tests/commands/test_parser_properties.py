"""Property tests: whatever text arrives, the parser raises nothing but UsageError, the Tutor
always answers with a Reply (never an internal error), and bad input changes no stored state.

The Tutor runs on a real SQLite file. Hypothesis does not mix with function-scoped fixtures, so
one store, one event loop and one Tutor are built per module and each example uses its own
channel (a fresh cluster) unless it means to share one.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.commands.buttons import parse_button
from engine.commands.parser import parse_command, parse_options, parse_text
from engine.commands.specs import CLUSTER, COMMANDS
from engine.content.loader import Content
from engine.errors import UsageError
from engine.ports import FixedClock
from engine.replies import Notice, NoticeLevel, Reply
from engine.sim.config import LIMITS
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

T = TypeVar("T")
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

FUZZ = settings(max_examples=200, deadline=None)
FUZZ_SLOW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies -----------------------------------------------------------------------------

# Any unicode text, control characters included (st.text() leaves out only surrogates).
ANY_TEXT = st.text()
LONG_TEXT = st.text(min_size=3_900, max_size=4_200, alphabet=st.sampled_from("ab /=-1\t"))
HUGE_TEXT = st.builds(lambda n, ch: ch * n, st.integers(4_001, 120_000), st.characters())
CONTROL = st.characters(categories=["Cc"])
PREFIXES = st.sampled_from(
    [
        "",
        "/",
        "/trace ",
        "/trace GET ",
        "trace get ",
        "/cluster ",
        "/cluster set ",
        "/cluster kill ",
        "/cluster revive ",
        "/cluster slow ",
        "/cluster wait ",
        "/cluster add ",
        "/cluster reset ",
        "/learn ",
        "/help ",
    ]
)
TEXT = st.one_of(
    ANY_TEXT,
    st.builds(lambda prefix, tail: prefix + tail, PREFIXES, ANY_TEXT),
    st.builds(lambda prefix, tail, ctl: prefix + tail + ctl, PREFIXES, ANY_TEXT, CONTROL),
    LONG_TEXT,
    HUGE_TEXT,
)
NAMES = st.one_of(st.sampled_from([spec.name for spec in COMMANDS]), ANY_TEXT)
RAW = st.one_of(
    ANY_TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
BUTTON_IDS = st.one_of(
    ANY_TEXT,
    st.builds(lambda tail: "r1:" + tail, ANY_TEXT),
    st.builds(
        lambda verb, a, b: f"r1:{verb}:{a}:{b}",
        st.sampled_from(["ts", "ta", "TS", "zz", ""]),
        ANY_TEXT,
        ANY_TEXT,
    ),
    st.builds(lambda n: "r1:ta:" + "9" * n, st.integers(0, 300)),
)


def attempt(call: Callable[..., object], *args: Any) -> UsageError | None:
    """Run a parser; return the UsageError it raised, if any. Any other exception escapes."""
    try:
        call(*args)
    except UsageError as error:
        return error
    return None


def check_reason(error: UsageError | None) -> None:
    if error is None:
        return
    assert error.message
    assert "\n" not in error.message, repr(error.message)
    assert "\r" not in error.message, repr(error.message)
    assert len(error.message) < 200, repr(error.message)


# --- the parser -----------------------------------------------------------------------------


@FUZZ
@given(line=TEXT)
def test_parse_text_raises_nothing_but_usage_error(line: str) -> None:
    error = attempt(parse_text, line)
    check_reason(error)
    assert error is None or error.usage


@FUZZ
@given(name=NAMES, text=TEXT)
def test_parse_command_raises_nothing_but_usage_error(name: str, text: str) -> None:
    error = attempt(parse_command, name, text)
    assert error is None or error.message


@FUZZ
@given(name=st.sampled_from([spec.name for spec in COMMANDS]), text=TEXT)
def test_parse_command_reasons_are_one_short_line(name: str, text: str) -> None:
    check_reason(attempt(parse_command, name, text))


@FUZZ
@given(action_id=BUTTON_IDS)
def test_parse_button_raises_nothing_but_usage_error(action_id: str) -> None:
    check_reason(attempt(parse_button, action_id))


SUBCOMMANDS = st.one_of(st.none(), st.sampled_from([s.name for s in CLUSTER.subcommands]))
OPTION_NAMES = st.one_of(
    st.sampled_from(
        sorted(
            {o.name for spec in COMMANDS for o in spec.options}
            | {o.name for sub in CLUSTER.subcommands for o in sub.options}
        )
    ),
    ANY_TEXT,
)


@FUZZ
@given(
    name=st.sampled_from([spec.name for spec in COMMANDS]),
    sub=SUBCOMMANDS,
    options=st.dictionaries(OPTION_NAMES, RAW, max_size=4),
)
def test_parse_options_raises_nothing_but_usage_error(
    name: str, sub: str | None, options: dict[str, Any]
) -> None:
    error = attempt(parse_options, name, sub, options)
    assert error is None or error.message


# --- the Tutor on a real SQLite file -------------------------------------------------------


@dataclass
class Env:
    runner: asyncio.Runner
    store: SqliteStore
    tutor: Tutor
    channels: Iterator[int]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)

    def fresh_actor(self, user: str = "alice") -> Actor:
        return Actor("console", "local", user, user, f"fuzz-{next(self.channels)}")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, content: Content) -> Iterator[Env]:
    path: Path = tmp_path_factory.mktemp("properties") / "rungs.db"
    runner = asyncio.Runner()
    store = runner.run(SqliteStore.open(path))
    tutor = Tutor(store, content, FixedClock(START))
    try:
        yield Env(runner, store, tutor, itertools.count())
    finally:
        runner.run(store.close())
        runner.close()


def is_warning(reply: Reply) -> bool:
    return any(isinstance(b, Notice) and b.level is NoticeLevel.WARNING for b in reply.blocks)


@FUZZ
@given(line=TEXT)
def test_handle_text_always_answers_and_never_fails_internally(env: Env, line: str) -> None:
    reply = env.run(env.tutor.handle_text(env.fresh_actor(), line))
    assert isinstance(reply, Reply)
    assert reply.blocks
    assert reply.correlation_id is None, f"internal error for {line[:80]!r}"


@FUZZ
@given(action_id=BUTTON_IDS)
def test_handle_button_always_answers_and_never_fails_internally(env: Env, action_id: str) -> None:
    actor = env.fresh_actor()
    env.run(env.tutor.handle_text(actor, "/trace GET /u/7"))
    reply = env.run(env.tutor.handle_button(actor, action_id))
    assert isinstance(reply, Reply)
    assert reply.blocks
    assert reply.correlation_id is None


# Lines that are mostly valid, so whole sessions reach deep into the simulation.
def _int_setting(name: str) -> st.SearchStrategy[str]:
    limit = LIMITS[name]
    return st.integers(limit.low, min(limit.high, 20_000)).map(lambda v: f"{name}={v}")


SETTING = st.one_of(
    *(_int_setting(n) for n in ("servers", "replicas", "shards", "cache", "ttl", "lag")),
    *(_int_setting(n) for n in ("interval", "fall", "rise", "seed")),
    st.sampled_from(
        [
            "lb=round-robin",
            "lb=least-connections",
            "lb=weighted",
            "lb=consistent-hash",
            "sticky=on",
            "sticky=off",
            "layer=l4",
            "layer=l7",
            "ryw=on",
            "ryw=off",
        ]
    ),
    st.lists(st.integers(1, 10), min_size=1, max_size=16).map(
        lambda ws: "weights=" + ",".join(map(str, ws))
    ),
)
NODE = st.one_of(
    st.sampled_from(["lb", "cache", "db", "nosuch"]),
    st.integers(0, 17).map(lambda i: f"app-{i}"),
    st.integers(0, 6).map(lambda i: f"replica-{i}"),
    st.integers(0, 9).map(lambda i: f"shard-{i}"),
    st.tuples(st.integers(0, 9), st.integers(0, 6)).map(lambda p: f"shard-{p[0]}-replica-{p[1]}"),
)
METHOD = st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
PATH = st.sampled_from(["/u/7", "/u/8", "/u/9", "/", "/feed", "/p/3/comments", "/o/x-1", "/u"])
SESSION_LINE = st.one_of(
    st.builds(lambda m, p: f"/trace {m} {p}", METHOD, PATH),
    st.lists(SETTING, min_size=1, max_size=4).map(lambda s: "/cluster set " + " ".join(s)),
    st.builds(
        lambda verb, node: f"/cluster {verb} {node}", st.sampled_from(["kill", "revive"]), NODE
    ),
    st.builds(lambda node, ms: f"/cluster slow {node} {ms}", NODE, st.integers(1, 60_000)),
    st.floats(0.1, 3600).map(lambda s: f"/cluster wait {s:.1f}"),
    st.sampled_from(["server", "replica", "shard"]).map(lambda k: f"/cluster add {k}"),
    st.sampled_from(["/cluster show", "/cluster reset", "/cluster reset 5", "/learn", "/help"]),
    st.sampled_from(["/learn caching", "/learn nosuch", "/help cluster", "/help nosuch"]),
    TEXT,
)


@FUZZ_SLOW
@given(lines=st.lists(SESSION_LINE, min_size=1, max_size=12))
def test_a_session_of_commands_never_fails_internally(env: Env, lines: list[str]) -> None:
    actor = env.fresh_actor()
    for line in lines:
        reply = env.run(env.tutor.handle_text(actor, line))
        assert reply.blocks
        assert reply.correlation_id is None, f"internal error at {line[:80]!r} in {lines!r}"


# --- bad input changes no state -------------------------------------------------------------


SET_SPEC = CLUSTER.sub("set")
assert SET_SPEC is not None
SET_KEYS = {option.name for option in SET_SPEC.options}


def _bad_int_setting(name: str) -> st.SearchStrategy[str]:
    limit = LIMITS[name]
    out_of_range = st.one_of(
        st.integers(max_value=limit.low - 1, min_value=-(10**12)),
        st.integers(min_value=limit.high + 1, max_value=10**12),
    )
    not_a_number = st.sampled_from(["four", "1.5", "0x10", "", "1e3", "½", "--1", "4,"])
    return st.one_of(out_of_range, not_a_number).map(lambda v: f"{name}={v}")


BAD_SETTING = st.one_of(
    *(
        _bad_int_setting(n)
        for n in (
            "servers",
            "replicas",
            "shards",
            "cache",
            "ttl",
            "lag",
            "interval",
            "fall",
            "rise",
            "seed",
        )
    ),
    st.sampled_from(
        [
            "lb=random",
            "lb=",
            "sticky=maybe",
            "ryw=yes",
            "layer=l3",
            "weights=0",
            "weights=11",
            "weights=1,,1",
            "weights=" + ",".join(["1"] * 17),
            "servers",
            "=4",
            "==",
            "servers=4=4",
        ]
    ),
    st.from_regex(r"\A[a-z]{1,12}=[0-9]{1,3}\Z").filter(
        lambda token: token.partition("=")[0] not in SET_KEYS
    ),
    # Tab, newline and carriage return only separate words; every other control character
    # makes the whole line bad.
    st.builds(
        lambda key, ctl: f"{key}=1{ctl}",
        st.sampled_from(["servers", "ttl"]),
        CONTROL.filter(lambda ch: ch not in "\t\n\r"),
    ),
)
# Settings that parse, but not together: weights must have one number per server.
MISMATCHED_WEIGHTS = st.integers(1, 16).flatmap(
    lambda servers: (
        st.integers(1, 16)
        .filter(lambda n: n != servers)
        .map(lambda n: f"servers={servers} weights={','.join(['2'] * n)}")
    )
)


@st.composite
def bad_set_lines(draw: st.DrawFn) -> str:
    good = draw(st.lists(SETTING.filter(lambda s: not s.startswith("weights")), max_size=3))
    bad = draw(st.one_of(BAD_SETTING, MISMATCHED_WEIGHTS))
    position = draw(st.integers(0, len(good)))
    tokens = [*good[:position], bad, *good[position:]]
    if any(t.startswith("servers=") for t in good) and bad.startswith("servers="):
        tokens.remove(bad)  # keep MISMATCHED_WEIGHTS about the servers it names
        tokens.append(bad)
    return "/cluster set " + " ".join(tokens)


@pytest.fixture(scope="module")
def shared_actor(env: Env) -> Actor:
    """A cluster with some history, so 'unchanged' means more than 'still the default'."""
    actor = Actor("console", "local", "alice", "alice", "unchanged")
    for line in (
        "/trace GET /u/7",
        "/trace GET /u/7",
        "/cluster set servers=4 replicas=2 lb=least-connections",
        "/trace PUT /u/8",
        "/cluster kill app-1",
        "/trace GET /u/8",
    ):
        reply = env.run(env.tutor.handle_text(actor, line))
        assert not is_warning(reply), line
    return actor


def stored(env: Env, actor: Actor) -> tuple[str, int]:
    cluster = env.run(env.store.load_cluster(actor.cluster_scope))
    assert cluster is not None
    return cluster.document, cluster.version


def test_a_valid_change_does_change_the_stored_cluster(env: Env) -> None:
    # Shows that the byte-for-byte comparison below can fail.
    actor = Actor("console", "local", "alice", "alice", "control")
    env.run(env.tutor.handle_text(actor, "/trace GET /u/7"))
    before = stored(env, actor)
    reply = env.run(env.tutor.handle_text(actor, "/cluster set servers=5"))
    assert not is_warning(reply)
    assert stored(env, actor) != before


@FUZZ
@given(line=bad_set_lines())
def test_invalid_cluster_set_lines_change_no_state(
    env: Env, shared_actor: Actor, line: str
) -> None:
    before = stored(env, shared_actor)
    reply = env.run(env.tutor.handle_text(shared_actor, line))
    assert is_warning(reply), f"{line!r} was accepted"
    assert reply.correlation_id is None
    assert stored(env, shared_actor) == before, line


@FUZZ
@given(line=st.builds(lambda prefix, tail: prefix + tail, PREFIXES, TEXT))
def test_any_line_that_gets_a_warning_changes_no_state(
    env: Env, shared_actor: Actor, line: str
) -> None:
    before = stored(env, shared_actor)
    reply = env.run(env.tutor.handle_text(shared_actor, line))
    if is_warning(reply):
        assert stored(env, shared_actor) == before, line


@pytest.mark.parametrize(
    "line",
    [
        "/cluster kill app-9",
        "/cluster revive nosuch",
        "/cluster slow cache",
        "/cluster slow db 100",
        "/cluster kill shard-1",
        "/trace FETCH /u/7",
        "/trace GET u/7",
        "/cluster set servers=0",
        "/cluster set servers=10000",
        "/cluster set servers=3 weights=1,1",
        "/cluster wait 0",
        "x" * 100_000,
        "/trace GET /u/7\x07",
    ],
    ids=lambda line: line[:30],
)
def test_bad_commands_change_no_state(env: Env, shared_actor: Actor, line: str) -> None:
    before = stored(env, shared_actor)
    reply = env.run(env.tutor.handle_text(shared_actor, line))
    assert is_warning(reply), line
    assert stored(env, shared_actor) == before
