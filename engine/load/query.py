"""`/load <rate> [reads=R:W] [keys=N] [zipf=S] [for=DURATION]` and `/scenario [name]` as typed
values, parsed from text or checked from structured options; bad input raises UsageError with
a one-line reason and changes nothing."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.errors import UsageError
from engine.load.traffic import Traffic

LOAD_USAGE = "/load <rate> [reads=R:W] [keys=N] [zipf=S] [for=DURATION]"
SCENARIO_USAGE = "/scenario [name]"
MAX_RATE = 10_000_000
MAX_KEYS = 10_000_000
MAX_ZIPF = 3.0
MAX_SIDE = 100_000
LONGEST_S = 86_400
DEFAULT_READS = (100, 1)
DEFAULT_KEYS = 1_000_000
DEFAULT_ZIPF = 1.0
DEFAULT_FOR_S = 60

_NUMBER = re.compile(r"^([0-9]+(?:[.][0-9]+)?)(?:e([+-]?[0-9]{1,3}))?([kmb]?)$")
_POWER = re.compile(r"^([0-9]{1,3})\^([0-9]{1,3})$")
_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}
_DURATION = re.compile(r"^(?:([0-9]{1,3})h)?(?:([0-9]{1,4})m)?(?:([0-9]{1,6})s?)?$")


@dataclass(frozen=True, slots=True)
class LoadQuery:
    rate: float
    reads: int = DEFAULT_READS[0]
    writes: int = DEFAULT_READS[1]
    keys: int = DEFAULT_KEYS
    zipf: float = DEFAULT_ZIPF
    duration_s: int = DEFAULT_FOR_S

    def traffic(self) -> Traffic:
        share = self.reads / (self.reads + self.writes)
        return Traffic(self.rate, share, self.keys, self.zipf, float(self.duration_s))

    def command(self) -> str:
        """The canonical text of this query (what a "see it under load" button runs)."""
        parts = [f"/load {_plain(self.rate)}", f"reads={self.reads}:{self.writes}"]
        if self.keys != DEFAULT_KEYS:
            parts.append(f"keys={self.keys}")
        if self.zipf != DEFAULT_ZIPF:
            parts.append(f"zipf={self.zipf:g}")
        if self.duration_s != DEFAULT_FOR_S:
            parts.append(f"for={self.duration_s}s")
        return " ".join(parts)


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def load_query(
    rate: float,
    reads: tuple[int, int] = DEFAULT_READS,
    keys: int = DEFAULT_KEYS,
    zipf: float = DEFAULT_ZIPF,
    duration_s: int = DEFAULT_FOR_S,
) -> LoadQuery:
    """Check typed options (a Discord slash command's, say) and build the query."""
    if not math.isfinite(rate) or not 1 <= rate <= MAX_RATE:
        raise _usage(f"the rate must be from 1 to {MAX_RATE:,} requests per second")
    r, w = reads
    if not (1 <= r <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        raise _usage(
            f"both sides of reads=R:W must be from 1 to {MAX_SIDE:,}, like reads=100:1 "
            "(a mix with no reads or no writes leaves half the cluster out of the model)"
        )
    if not 1 <= keys <= MAX_KEYS:
        raise _usage(f"keys must be from 1 to {MAX_KEYS:,}")
    if not math.isfinite(zipf) or not 0 <= zipf <= MAX_ZIPF:
        raise _usage(f"zipf must be from 0 (every key alike) to {MAX_ZIPF:g} (very skewed)")
    if not 1 <= duration_s <= LONGEST_S:
        raise _usage("the duration for= must be from 1s to 24h")
    return LoadQuery(rate, r, w, keys, zipf, duration_s)


def parse_load(args: Sequence[str]) -> LoadQuery:
    """`/load` from its words: `["50k", "reads=100:1", "zipf=0.9"]`."""
    if not args:
        raise _usage("say how many requests per second, for example /load 50k")
    rate = parse_number(args[0], "the rate")
    options: dict[str, str] = {}
    for word in args[1:]:
        name, sep, value = word.partition("=")
        name = name.lower()
        if not sep or name not in ("reads", "keys", "zipf", "for"):
            raise _usage(f"'{word[:30]}' is not an option; use reads=R:W, keys=N, zipf=S, for=D")
        if name in options:
            raise _usage(f"{name}= is given twice")
        options[name] = value
    reads = parse_reads(options["reads"]) if "reads" in options else DEFAULT_READS
    keys = parse_number(options["keys"], "keys") if "keys" in options else DEFAULT_KEYS
    zipf = parse_zipf(options["zipf"]) if "zipf" in options else DEFAULT_ZIPF
    duration = parse_duration(options["for"]) if "for" in options else DEFAULT_FOR_S
    if keys != int(keys):
        raise _usage("keys must be a whole number")
    return load_query(rate, reads, int(keys), zipf, duration)


def parse_number(text: str, what: str) -> float:
    """50000, 50,000, 50k, 1.5M, 5e4 or 10^6."""
    cleaned = text.strip().lower().replace(",", "").replace("_", "")
    power = _POWER.match(cleaned)
    if power:
        base, exponent = int(power.group(1)), int(power.group(2))
        return float(base) ** exponent if exponent < 40 else math.inf
    match = _NUMBER.match(cleaned)
    if match is None:
        raise _usage(f"{what} '{text[:20]}' is not a number (write 50000, 50k, 1.5M or 10^6)")
    value = float(match.group(1)) * _SUFFIX[match.group(3)]
    if match.group(2):
        value *= 10.0 ** int(match.group(2))
    return value


def parse_reads(text: str) -> tuple[int, int]:
    """`100:1`: reads to writes (the sides' bounds are load_query's)."""
    left, sep, right = text.partition(":")
    if not sep or not left.isdigit() or not right.isdigit() or len(left + right) > 12:
        raise _usage(f"write reads= as a ratio like 100:1, not '{text[:20]}'")
    return int(left), int(right)


def parse_zipf(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _usage(f"write zipf= as a number, like 0.9, not '{text[:20]}'") from None


def parse_duration(text: str) -> int:
    """`90s`, `10m`, `1h`, `1h30m` or bare seconds."""
    cleaned = text.strip().lower()
    match = _DURATION.match(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise _usage(f"write for= as a duration like 90s, 10m or 1h, not '{text[:20]}'")
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if not 1 <= total <= LONGEST_S:
        raise _usage("the duration for= must be from 1s to 24h")
    return total


def parse_scenario(args: Sequence[str], known: Sequence[str]) -> str | None:
    """The scenario's id, or None for the list. Unknown names get the closest known ones."""
    if not args:
        return None
    if len(args) > 1:
        raise UsageError("/scenario takes one name.", "Usage: " + SCENARIO_USAGE)
    name = args[0].strip().lower()
    if name in known:
        return name
    close = [k for k in known if name[:4] and name[:4] in k]
    close = close or difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    hint = f" Did you mean /scenario {close[0]}?" if close else " /scenario lists them."
    raise UsageError(
        f"There is no scenario '{name[:40]}'.{hint}",
        "Usage: " + SCENARIO_USAGE,
        suggestion=f"/scenario {close[0]}" if close else None,
    )


def _usage(reason: str) -> UsageError:
    return UsageError(reason[0].upper() + reason[1:] + ".", LOAD_USAGE)
