"""Contradictions in one `/cluster set` line, refused before anything is applied.

The parser reads `key=value` tokens into a mapping, where a key given twice silently keeps the
last value; this check runs over the tokens in the order they were typed, so it can still see
both. Call it from the parser after each value is converted and before the command is built.

A setting of one balancer's model is a contradiction under the other, because the other program
has no such directive and the simulation ignores it there: HAProxy's active checks (`interval`,
`fall`, `rise`) and its `retries` and `option redispatch` (engine/sim/lb/haproxy*.py,
engine/sim/attempts.py), and nginx's passive checks (`max_fails`, `fail_timeout`, which
open-source nginx has instead of active checks; engine/sim/lb/nginx.py). `weights`, `lb`,
`connect_timeout` and `local_cache` apply to both. (Weights were once refused without
`lb=weighted`; both programs weigh every algorithm, and so does the simulation.)
"""

from __future__ import annotations

from collections.abc import Sequence

# Which balancer's model reads each setting that only one of them has (engine.sim.config's
# Balancer values).
_ONLY_IN: dict[str, str] = {
    "interval": "haproxy",
    "fall": "haproxy",
    "rise": "haproxy",
    "retries": "haproxy",
    "redispatch": "haproxy",
    "max_fails": "nginx",
    "fail_timeout": "nginx",
}
_PROGRAM = {"haproxy": "HAProxy", "nginx": "nginx"}


def check_cluster_changes(
    changes: Sequence[tuple[str, object]], current_balancer: str | None = None
) -> None:
    """Raise ValueError (one clause, no full stop) when the line contradicts itself.

    `changes`: (key, value) in the order typed, duplicates kept; values as typed or converted
    (a Balancer reads as its value). `current_balancer`: the balancer the cluster models now,
    which a balancer-only setting falls back on when the line does not set `balancer`; None
    where it is not known (the parser), which checks only what the line says."""
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
    set_here = "balancer" in seen
    balancer = _shown(seen["balancer"]) if set_here else current_balancer
    if balancer is None:
        return
    foreign = [k for k in seen if _ONLY_IN.get(k, balancer) != balancer]
    if foreign:
        raise ValueError(_foreign_message(foreign, balancer, set_here))


def _foreign_message(keys: list[str], balancer: str, set_here: bool) -> str:
    # With two balancers, every foreign key belongs to the other one.
    owner = _ONLY_IN[keys[0]]
    program, other = _PROGRAM[owner], _PROGRAM.get(balancer, balancer)
    names = " and ".join((", ".join(keys[:-1]), keys[-1])) if len(keys) > 1 else keys[0]
    kind = "settings" if len(keys) > 1 else "setting"
    if set_here:
        return f"{names}: {program} {kind}, but this line sets balancer={balancer}; pick one"
    return (
        f"{names}: {program} {kind}, and this cluster models {other}; "
        f"add balancer={owner} to the same line"
    )


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)
