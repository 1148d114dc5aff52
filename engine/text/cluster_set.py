"""Contradictions in one `/cluster set` line, refused before anything is applied.

The parser reads `key=value` tokens into a mapping, where a key given twice silently keeps the
last value; this check runs over the tokens in the order they were typed, so it can still see
both. Call it from the parser after each value is converted and before the command is built.
"""

from __future__ import annotations

from collections.abc import Sequence


def check_cluster_changes(
    changes: Sequence[tuple[str, object]], current_lb: str | None = None
) -> None:
    """Raise ValueError (one clause, no full stop) when the line contradicts itself.

    `changes`: (key, value) in the order typed, duplicates kept; values as typed or converted
    (an LbAlgorithm reads as its value). `current_lb`: the cluster's balancing algorithm now,
    which `weights` falls back on when the line does not set `lb`; None where it is not known
    (the parser), which checks only what the line says."""
    seen: dict[str, object] = {}
    for key, value in changes:
        if key in seen:
            first, second = _shown(seen[key]), _shown(value)
            also = "" if first != second else " (the same value both times)"
            raise ValueError(
                f"{key} is given twice, as {key}={first} and {key}={second}{also}; "
                "give each setting once"
            )
        seen[key] = value
    if "weights" in seen:
        lb = _shown(seen["lb"]) if "lb" in seen else current_lb
        if lb is not None and lb != "weighted":
            raise ValueError(_weights_message(lb, "lb" in seen))


def _weights_message(lb: str, set_here: bool) -> str:
    if set_here:
        return f"weights only apply with lb=weighted, but this line sets lb={lb}; pick one"
    return (
        f"weights only apply with lb=weighted, and this cluster uses lb={lb}; "
        "add lb=weighted to the same line"
    )


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)
