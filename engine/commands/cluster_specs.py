"""The /cluster command's spec: its subcommands, the settings `/cluster set` takes, and the
converters that check them against the simulation's own limits (engine/sim/config.py), which
help quotes too, so no limit is written twice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.commands import types as t
from engine.commands.options import CommandSpec, Converter, OptionSpec, Raw
from engine.commands.options import choice as _choice
from engine.commands.options import word as _word
from engine.sim.config import DEFAULT_SLOW_MS, LIMITS, Balancer, Layer, LbAlgorithm
from engine.text.cluster_set import check_cluster_changes


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


def _range(name: str) -> str:
    """`1-16`: an option's bounds as help shows them, from the same limits that check it."""
    limit = LIMITS[name]
    return f"{limit.low}-{limit.high}"


SLOW_MS = (1, 60_000)  # the extra time /cluster slow may add to each request


def _ms(raw: Raw) -> int:
    text = str(raw).strip().lower().removesuffix("ms")
    low, high = SLOW_MS
    if not re.fullmatch(r"[0-9]{1,6}", text) or not low <= int(text) <= high:
        raise ValueError(f"give the extra time in ms, from {low} to {high}")
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
    OptionSpec("servers", f"app servers, {_range('servers')}", _int_in("servers")),
    OptionSpec("weights", "a weight per server, e.g. 3,1,1 (every algorithm)", _weights),
    OptionSpec(
        "replicas", f"read replicas per database, {_range('replicas')}", _int_in("replicas")
    ),
    OptionSpec("shards", f"database shards, {_range('shards')}", _int_in("shards")),
    OptionSpec(
        "cache", f"cache capacity in keys, {_range('cache')} (0: no cache)", _int_in("cache")
    ),
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
        f"keys each app server caches in its own memory, {_range('local_cache')}",
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
    "slow <node> [ms] | wait <seconds> | add server|replica|shard | promote <replica> | "
    "history | undo",
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
            check_line=check_cluster_changes,
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
            examples=("/cluster revive app-1",),
        ),
        CommandSpec(
            "slow",
            "make an app server slow, so requests pile up on it",
            "<node> [ms]",
            lambda v: t.ClusterSlowCommand(v["node"], v.get("ms")),
            (_NODE, OptionSpec("ms", f"extra ms per request (default {DEFAULT_SLOW_MS})", _ms)),
            examples=("/cluster slow app-2 500",),
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
            examples=("/cluster add replica",),
        ),
        CommandSpec(
            "promote",
            "make a replica the primary (a failover, or a switchover if the primary is up)",
            "<replica>",
            lambda v: t.ClusterPromoteCommand(v["node"]),
            (OptionSpec("node", "a replica: replica-0, shard-1-replica-0 …", _word, True),),
            examples=("/cluster promote replica-0",),
        ),
        CommandSpec(
            "history",
            "who changed this cluster, and how (the latest 20, newest first)",
            "",
            lambda v: t.ClusterHistoryCommand(),
            private=True,  # it names people: shown to the one who asked
        ),
        CommandSpec(
            "undo",
            "take back the last change of the cluster's setup",
            "",
            lambda v: t.ClusterUndoCommand(),
        ),
    ),
    examples=("/cluster show", "/cluster kill app-1", "/cluster wait 6"),
)
