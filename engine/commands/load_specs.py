"""The under-load command specs: /load, /scenario, /climb.

Their bounds and messages come from engine.load.query, the one place that checks a traffic, so
a typed `/load 10^12` and Discord's `rate: 10^12` get the same one-line reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from engine.commands import types as t
from engine.commands.options import CommandSpec, OptionSpec, Raw, Suggest, word
from engine.errors import UsageError
from engine.load.catalogue import RungId
from engine.load.query import (
    DEFAULT_FOR_S,
    DEFAULT_KEYS,
    DEFAULT_READS,
    DEFAULT_ZIPF,
    load_query,
    parse_duration,
    parse_number,
    parse_reads,
    parse_zipf,
)

T = TypeVar("T")


def _checked(read: Callable[[], T]) -> T:
    """The query's UsageError as the ValueError the parser reports with the usage."""
    try:
        return read()
    except UsageError as exc:
        raise ValueError(exc.message.rstrip(".")) from None


def _rate(raw: Raw) -> float:
    return _checked(lambda: parse_number(str(raw), "the rate"))


def _keys(raw: Raw) -> float:
    return _checked(lambda: parse_number(str(raw), "keys"))


def _reads(raw: Raw) -> tuple[int, int]:
    return _checked(lambda: parse_reads(str(raw)))


def _zipf(raw: Raw) -> float:
    return _checked(lambda: parse_zipf(str(raw)))


def _for(raw: Raw) -> int:
    return _checked(lambda: parse_duration(str(raw)))


def _build_load(values: Mapping[str, Any]) -> t.Command:
    keys = values.get("keys", DEFAULT_KEYS)
    if keys != int(keys):
        raise ValueError("keys must be a whole number")
    query = _checked(
        lambda: load_query(
            values["rate"],
            values.get("reads", DEFAULT_READS),
            int(keys),
            values.get("zipf", DEFAULT_ZIPF),
            values.get("for", DEFAULT_FOR_S),
        )
    )
    return t.LoadCommand(query)


_READS = OptionSpec("reads", "read:write mix, like 100:1 (default 100:1)", _reads, named=True)

LOAD = CommandSpec(
    name="load",
    summary="the channel's cluster under traffic: what saturates first and the next rung",
    usage="<rate> [reads=R:W] [keys=N] [zipf=S] [for=DURATION]",
    build=_build_load,
    options=(
        OptionSpec("rate", "requests per second, like 5000, 50k or 1.5M", _rate, True),
        _READS,
        OptionSpec("keys", "distinct keys read (default 1M)", _keys, named=True),
        OptionSpec("zipf", "key skew: 0 even to 3 very skewed (default 1)", _zipf, named=True),
        OptionSpec("for", "how long it lasts, like 90s or 1h (default 60s)", _for, named=True),
    ),
    examples=("/load 5000", "/load 50k reads=100:1", "/load 2000 reads=1:1 zipf=0.8"),
)

SCENARIO = CommandSpec(
    name="scenario",
    summary="a named failure over simulated time (stampede, retry storm, failover, …)",
    usage="[name]",
    build=lambda v: t.ScenarioCommand(v.get("name")),
    options=(
        OptionSpec("name", "a scenario id (none: the list)", word, suggests=Suggest.SCENARIOS),
    ),
    examples=("/scenario", "/scenario cache-restart", "/scenario retry-storm"),
)

_RUNGS = tuple(r.value for r in RungId)

CLIMB = CommandSpec(
    name="climb",
    summary="the ladder game: the load rises, you pick the next rung and pay for it",
    usage="[show | start [reads=R:W] | pick <rung> | raise | end]",
    default_sub="show",
    subcommands=(
        CommandSpec(
            "show",
            "where the climb stands (starts one if none is running)",
            "",
            lambda v: t.ClimbShowCommand(),
        ),
        CommandSpec(
            "start",
            "a new climb on this channel's cluster",
            "[reads=R:W]",
            lambda v: t.ClimbStartCommand(v.get("reads")),
            (_READS,),
            examples=("/climb start", "/climb start reads=10:1"),
        ),
        CommandSpec(
            "pick",
            "climb a rung that is on offer",
            "<rung>",
            lambda v: t.ClimbPickCommand(v["rung"]),
            (OptionSpec("rung", "the rung's id", word, True, choices=_RUNGS),),
            examples=("/climb pick scale-out-app",),
        ),
        CommandSpec(
            "raise",
            "the next load step, once the cluster holds",
            "",
            lambda v: t.ClimbRaiseCommand(),
        ),
        CommandSpec("end", "end the climb and see the debrief", "", lambda v: t.ClimbEndCommand()),
    ),
    examples=("/climb",),
)
