"""The command specs: the single source for parsing, help, and platform registration."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.commands import types as t
from engine.commands.options import (
    CommandSpec,
    Converter,
    OptionSpec,
    Raw,
    record_id,
    usage_line,
)
from engine.commands.options import choice as _choice
from engine.commands.options import timezone_name as _timezone
from engine.commands.options import word as _word
from engine.commands.team_specs import CHALLENGE, LEADERBOARD, SCHEDULE
from engine.sim.config import LIMITS, Balancer, Layer, LbAlgorithm
from engine.sim.request import Method

# Re-exported: callers take the spec shapes from here, beside the specs.
__all__ = [
    "BY_NAME",
    "CLUSTER",
    "COMMANDS",
    "RATINGS",
    "CommandSpec",
    "Converter",
    "OptionSpec",
    "Raw",
    "usage_line",
]

_PATH = re.compile(r"/[A-Za-z0-9._~\-/]{0,120}")


def _method(raw: Raw) -> Method:
    text = str(raw).upper()
    try:
        return Method(text)
    except ValueError:
        names = ", ".join(m.value for m in Method)
        raise ValueError(f"unknown method '{str(raw)[:20]}': use one of {names}") from None


def _path(raw: Raw) -> str:
    text = str(raw)
    if not text.startswith("/"):
        raise ValueError(f"a path starts with a slash, like /u/7 (got '{text[:40]}')")
    if "//" in text or not _PATH.fullmatch(text):
        raise ValueError("a path may hold letters, digits and . _ ~ - / (at most 120 characters)")
    return text


def _int_in(name: str) -> Converter:
    limit = LIMITS[name]

    def convert(raw: Raw) -> int:
        text = str(raw).strip()
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            raise ValueError(f"{name} takes a whole number, not '{text[:20]}'")
        value = int(text)
        if not limit.low <= value <= limit.high:
            unit = f" {limit.unit}" if limit.unit else ""
            raise ValueError(f"{name} must be from {limit.low} to {limit.high}{unit}, not {value}")
        return value

    return convert


def _ms(raw: Raw) -> int:
    text = str(raw).strip().lower().removesuffix("ms")
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= 60_000:
        raise ValueError("give the extra time in ms, from 1 to 60000")
    return int(text)


def _seconds(raw: Raw) -> float:
    text = str(raw).strip().lower().removesuffix("s")
    valid = re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,3})?", text) and 0.1 <= float(text) <= 3600
    if not valid:
        raise ValueError(f"wait takes seconds from 0.1 to 3600, not '{text[:20]}'")
    return float(text)


def _enum_choice(enum: type[LbAlgorithm] | type[Layer] | type[Balancer]) -> Converter:
    pick = _choice(*(e.value for e in enum))
    return lambda raw: enum(pick(raw))


def _weights(raw: Raw) -> tuple[int, ...]:
    parts = str(raw).split(",")
    one = _int_in("weight")
    if len(parts) > LIMITS["servers"].high:
        raise ValueError("weights takes one number per server, like weights=3,1,1")
    return tuple(one(p) for p in parts)


_NODE = OptionSpec("node", "a node: lb, app-0, cache, db, replica-0, shard-1 …", _word, True)

_SET_OPTIONS = (
    OptionSpec(
        "lb",
        "balancing algorithm",
        _enum_choice(LbAlgorithm),
        choices=tuple(a.value for a in LbAlgorithm),
    ),
    OptionSpec("servers", "app servers, 1-16", _int_in("servers")),
    OptionSpec("weights", "a weight per server, e.g. 3,1,1 (every algorithm)", _weights),
    OptionSpec("replicas", "read replicas per database, 0-5", _int_in("replicas")),
    OptionSpec("shards", "database shards, 1-8", _int_in("shards")),
    OptionSpec("cache", "cache capacity in keys, 0-10000 (0: no cache)", _int_in("cache")),
    OptionSpec("ttl", "cache TTL in seconds", _int_in("ttl")),
    OptionSpec("sticky", "sticky sessions", _choice("on", "off"), choices=("on", "off")),
    OptionSpec("layer", "balancer layer", _enum_choice(Layer), choices=("l4", "l7")),
    OptionSpec("lag", "replication lag in ms", _int_in("lag")),
    OptionSpec(
        "ryw", "read-your-writes pin to the primary", _choice("on", "off"), choices=("on", "off")
    ),
    OptionSpec("interval", "HAProxy: seconds between health checks", _int_in("interval")),
    OptionSpec("fall", "HAProxy: failed checks that take a server down", _int_in("fall")),
    OptionSpec("rise", "HAProxy: passed checks that bring it back", _int_in("rise")),
    OptionSpec("seed", "seed of the simulation's jitter", _int_in("seed")),
    OptionSpec(
        "balancer",
        "which real balancer to model",
        _enum_choice(Balancer),
        choices=tuple(b.value for b in Balancer),
    ),
    OptionSpec(
        "local_cache",
        "keys each app server caches in its own memory, 0-1000",
        _int_in("local_cache"),
    ),
    OptionSpec("retries", "HAProxy: connection retries (default 3)", _int_in("retries")),
    OptionSpec(
        "redispatch",
        "HAProxy: option redispatch",
        _choice("on", "off"),
        choices=("on", "off"),
    ),
    OptionSpec(
        "max_fails", "nginx: failures that take a server out (default 1)", _int_in("max_fails")
    ),
    OptionSpec(
        "fail_timeout", "nginx: seconds a failed server is skipped", _int_in("fail_timeout")
    ),
    OptionSpec("connect_timeout", "connect timeout in ms", _int_in("connect_timeout")),
)


def _build_set(values: Mapping[str, Any]) -> t.Command:
    if not values:
        raise ValueError("say what to change, like servers=4 or lb=least-connections")
    return t.ClusterSetCommand(tuple(values.items()))


CLUSTER = CommandSpec(
    name="cluster",
    summary="inspect and change the simulated cluster",
    usage="show | reset | set key=value … | kill <node> [process|host] | revive <node> | "
    "slow <node> [ms] | wait <seconds> | add server|replica|shard | promote <replica>",
    default_sub="show",
    subcommands=(
        CommandSpec(
            "show", "draw the tiers and each node's state", "", lambda v: t.ClusterShowCommand()
        ),
        CommandSpec(
            "reset",
            "start again from a fresh cluster",
            "[seed]",
            lambda v: t.ClusterResetCommand(v.get("seed")),
            (OptionSpec("seed", "seed of the simulation's jitter", _int_in("seed")),),
        ),
        CommandSpec(
            "set",
            "change settings",
            "key=value …",
            _build_set,
            _SET_OPTIONS,
            keyword=True,
            examples=(
                "/cluster set lb=least-connections servers=4",
                "/cluster set replicas=2 lag=500 ryw=on",
            ),
        ),
        CommandSpec(
            "kill",
            "crash a node (an app server's process, or its whole host)",
            "<node> [process|host]",
            lambda v: t.ClusterKillCommand(v["node"], v.get("mode", "process")),
            (
                _NODE,
                OptionSpec(
                    "mode",
                    "process: refused at once (default); host: no answer, connect timeout",
                    _choice("process", "host"),
                    choices=("process", "host"),
                ),
            ),
            examples=("/cluster kill app-1", "/cluster kill app-1 host"),
        ),
        CommandSpec(
            "revive",
            "bring a node back (or make a slow one fast)",
            "<node>",
            lambda v: t.ClusterReviveCommand(v["node"]),
            (_NODE,),
        ),
        CommandSpec(
            "slow",
            "make an app server slow, so requests pile up on it",
            "<node> [ms]",
            lambda v: t.ClusterSlowCommand(v["node"], v.get("ms")),
            (_NODE, OptionSpec("ms", "extra ms per request (default 2000)", _ms)),
        ),
        CommandSpec(
            "wait",
            "let simulated time pass (health checks, TTLs, replication)",
            "<seconds>",
            lambda v: t.ClusterWaitCommand(v["seconds"]),
            (OptionSpec("seconds", "seconds of simulated time", _seconds, True),),
        ),
        CommandSpec(
            "add",
            "add a server, a replica or a shard",
            "server|replica|shard",
            lambda v: t.ClusterAddCommand(v["kind"]),
            (
                OptionSpec(
                    "kind",
                    "what to add",
                    _choice("server", "replica", "shard"),
                    True,
                    choices=("server", "replica", "shard"),
                ),
            ),
        ),
        CommandSpec(
            "promote",
            "make a replica the primary (a failover, or a switchover if the primary is up)",
            "<replica>",
            lambda v: t.ClusterPromoteCommand(v["node"]),
            (OptionSpec("node", "a replica: replica-0, shard-1-replica-0 …", _word, True),),
            examples=("/cluster promote replica-0",),
        ),
    ),
    examples=("/cluster show", "/cluster kill app-1", "/cluster wait 6"),
)

TRACE = CommandSpec(
    name="trace",
    summary="walk one request through the cluster, step by step",
    usage="<METHOD> <path>",
    build=lambda v: t.TraceCommand(v["method"], v["path"]),
    options=(
        OptionSpec(
            "method",
            "GET, POST, PUT, PATCH, DELETE or HEAD",
            _method,
            True,
            choices=tuple(m.value for m in Method),
        ),
        OptionSpec("path", "the path, like /u/7", _path, True),
    ),
    examples=("/trace GET /u/7", "/trace PUT /u/7"),
)

LEARN = CommandSpec(
    name="learn",
    summary="a short lesson card on a topic",
    usage="[topic]",
    build=lambda v: t.LearnCommand(v.get("topic")),
    options=(OptionSpec("topic", "a lesson id or keyword", _word),),
    examples=("/learn", "/learn statelessness"),
)

HELP = CommandSpec(
    name="help",
    summary="list the commands, or explain one",
    usage="[command]",
    build=lambda v: t.HelpCommand(v.get("command")),
    options=(OptionSpec("command", "a command name", lambda raw: _word(str(raw).lstrip("/"))),),
    examples=("/help trace",),
)


MAX_ANSWER = 4_000


def _answer_text(text: str) -> str:
    if len(text) > MAX_ANSWER:
        raise ValueError(
            f"an answer is at most {MAX_ANSWER:,} characters at a time (this one "
            f"is {len(text):,}); send the rest in another /answer"
        )
    return text


_CONFIRM = OptionSpec(
    "confirm", "say confirm to go ahead", _choice("confirm"), choices=("confirm",)
)
RATINGS = ("again", "hard", "good", "easy")

DRILL = CommandSpec(
    name="drill",
    summary="start a timed whiteboard drill",
    usage="[id | topic | random | due] [confirm]",
    build=lambda v: t.DrillCommand(v.get("which"), "confirm" in v),
    options=(OptionSpec("which", "a drill id, a topic, random, or due", _word), _CONFIRM),
    examples=("/drill", "/drill b-read-ladder", "/drill caching", "/drill due"),
)

ANSWER = CommandSpec(
    name="answer",
    summary="add to your sketch for the running drill or team challenge",
    usage="<text>",
    build=lambda v: t.AnswerCommand(_answer_text(v["text"]), v.get("challenge")),
    options=(OptionSpec("text", "your sketch, up to 4,000 characters", str, True, rest=True),),
    form_options=(OptionSpec("challenge", "the challenge an Answer button was for", record_id),),
    examples=("/answer cache first, then read replicas; shard only for writes",),
)

REVEAL = CommandSpec(
    name="reveal",
    summary="what a strong answer covers, and what yours covered",
    usage="",
    build=lambda v: t.RevealCommand(),
)

RATE = CommandSpec(
    name="rate",
    summary="rate your recall, to schedule the next review",
    usage="again|hard|good|easy",
    build=lambda v: t.RateCommand(v["rating"]),
    options=(OptionSpec("rating", "how it went", _choice(*RATINGS), True, choices=RATINGS),),
)

PROGRESS = CommandSpec(
    name="progress",
    summary="your drills, coverage trend, streak, study list and reviews due",
    usage="",
    build=lambda v: t.ProgressCommand(),
)

FORGET_ME = CommandSpec(
    name="forget-me",
    summary="delete everything stored about you",
    usage="[confirm]",
    build=lambda v: t.ForgetMeCommand("confirm" in v),
    options=(_CONFIRM,),
)

SETTINGS = CommandSpec(
    name="settings",
    summary="your settings (time zone, leaderboard visibility)",
    usage="[tz=Area/City] [leaderboard=on|off]",
    build=lambda v: t.SettingsCommand(tuple(v.items())),
    options=(
        OptionSpec("tz", "your time zone, like Europe/Berlin", _timezone),
        OptionSpec(
            "leaderboard",
            "off hides you from the leaderboard",
            _choice("on", "off"),
            choices=("on", "off"),
        ),
    ),
    keyword=True,
    examples=("/settings", "/settings tz=Europe/Berlin", "/settings leaderboard=off"),
)

COMMANDS: tuple[CommandSpec, ...] = (
    TRACE,
    CLUSTER,
    LEARN,
    DRILL,
    ANSWER,
    REVEAL,
    RATE,
    PROGRESS,
    CHALLENGE,
    LEADERBOARD,
    SCHEDULE,
    SETTINGS,
    FORGET_ME,
    HELP,
)
BY_NAME: dict[str, CommandSpec] = {spec.name: spec for spec in COMMANDS}
