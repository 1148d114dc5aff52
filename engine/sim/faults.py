"""Failures on demand: `/cluster kill`, `revive` and `slow`, and what each one means."""

from __future__ import annotations

from engine.errors import RungsError
from engine.sim.config import DEFAULT_SLOW_MS, Balancer
from engine.sim.lb import haproxy
from engine.sim.lb.haproxy_checks import next_change
from engine.sim.nodes import NodeKind, NodeRef, node_name, parse_node
from engine.sim.sessions import forget_server
from engine.sim.state import ClusterState, DataNode, cache_clear
from engine.text.counts import count

KILL_MODES = ("process", "host")


def kill(state: ClusterState, name: str, mode: str = "process") -> str:
    ref = parse_node(state, name)
    if mode not in KILL_MODES:
        raise RungsError("Kill a node's process (the default) or its whole host: process|host.")
    if mode == "host" and ref.kind is not NodeKind.APP:
        raise RungsError("Only an app server's host can be killed (for example: kill app-0 host).")
    if ref.kind is NodeKind.APP:
        return _kill_app(state, ref.index, host=mode == "host")
    if ref.kind is NodeKind.LB:
        if not state.lb_alive:
            return "lb is already down."
        state.lb_alive = False
        return (
            "lb has failed. It is the only balancer, so every request now goes unanswered: "
            "the entry tier is a single point of failure (/learn lb-high-availability)."
        )
    if ref.kind is NodeKind.CACHE:
        return _kill_cache(state)
    return _kill_data_node(state, ref)


def _kill_app(state: ClusterState, index: int, *, host: bool) -> str:
    server, label = state.servers[index], f"app-{index}"
    if not server.alive and (not host or not server.host_up):
        return f"{label} is already down."
    server.alive = False
    server.host_up = not host
    lost = len(server.busy_until)
    server.busy_until.clear()
    sessions = len(forget_server(state, index))
    server.local.clear()  # memory dies with the process
    what = (
        f"{label}'s host has died: nothing answers at its address, not even a reset, so a "
        "connection to it hangs until the balancer's connect timeout."
        if host
        else f"{label}'s process has crashed: its host still answers, refusing connections "
        "at once with a reset."
    )
    text = f"{what} {_noticed(state, index)}"
    if lost:
        text += f" {count(lost, 'request')} in flight on {label} {_were(lost)} cut off."
    if sessions:
        text += f" {count(sessions, 'session')} held in its memory {_are(sessions)} gone."
    return text


def _noticed(state: ClusterState, index: int) -> str:
    """When the balancer will notice, in that balancer's terms."""
    cfg, label = state.config, f"app-{index}"
    if cfg.balancer is Balancer.NGINX:
        return (
            "nginx does not know: open-source nginx has no active health checks. The next "
            f"request sent to {label} fails and goes on to another server, and {label} is then "
            f"skipped for fail_timeout={cfg.fail_timeout}s (max_fails={cfg.max_fails})."
        )
    change = next_change(state, index)
    health = state.servers[index].health
    if change is None:
        return "HAProxy's health checks have marked it DOWN already."
    fails = health - cfg.rise + 1
    start = (
        f" (it has passed no check since HAProxy started, so it sits at rise={cfg.rise} "
        "and one failed check is enough)"
        if health == cfg.rise and cfg.fall > 1
        else ""
    )
    wait = max(0.1, round((change - state.now_ms) / 1000 + 0.05, 1))
    return (
        f"HAProxy does not know yet: until {_checks_fail(fails)}{start}, it "
        f"keeps sending {label} traffic. It will be marked DOWN at about "
        f"t={change / 1000:.2f} s; trace a few requests, then /cluster wait {wait:g} to watch."
    )


def _kill_cache(state: ClusterState) -> str:
    if not state.cache_alive:
        return "cache is already down."
    state.cache_alive = False
    dropped = len(state.cache)
    cache_clear(state)  # an in-memory cache restarts empty
    return (
        f"cache has crashed and lost its {count(dropped, 'key')}. Every read now falls through "
        "to the database: at scale, that is how a cache restart knocks over the "
        "database (/learn caching)."
    )


def _kill_data_node(state: ClusterState, ref: NodeRef) -> str:
    label = node_name(state, ref)
    node = data_node(state, ref)
    if not node.alive:
        return f"{label} is already down."
    node.alive, node.down_since = False, state.now_ms
    if ref.kind is NodeKind.PRIMARY:
        promote = (
            f" or a replica is promoted (/cluster promote {_first_replica(state, ref.index)})"
            if state.config.replicas
            else " (there is no replica to promote)"
        )
        return (
            f"{label}, a primary, has failed. Writes to it fail until it is back{promote}; "
            "reads can still be served by its replicas. Writes it acknowledged in its last "
            f"{state.config.lag} ms (the replication lag) had not reached the replicas: a "
            "failover now loses them."
        )
    return f"{label} has failed. Reads go to the other replicas, or to the primary if none is left."


def _first_replica(state: ClusterState, shard: int) -> str:
    return "replica-0" if state.config.shards == 1 else f"shard-{shard}-replica-0"


def revive(state: ClusterState, name: str) -> str:
    ref = parse_node(state, name)
    label = node_name(state, ref)
    if ref.kind is NodeKind.APP:
        return _revive_app(state, ref.index)
    if ref.kind is NodeKind.LB:
        if state.lb_alive:
            return "lb is already up."
        state.lb_alive = True
        return "lb is back and routing traffic."
    if ref.kind is NodeKind.CACHE:
        if state.cache_alive:
            return "cache is already up."
        state.cache_alive = True
        return "cache is back, empty: the next reads are all misses until it warms up again."
    node = data_node(state, ref)
    if node.alive:
        return f"{label} is already up."
    node.alive = True
    if node.fenced:
        node.fenced = False
        return (
            f"{label} (the old primary) has been rebuilt from the new primary, as pg_rewind or "
            "a fresh base backup would, and rejoins as a replica: what it held that the new "
            "primary never got is discarded."
        )
    return f"{label} is back."


def _revive_app(state: ClusterState, index: int) -> str:
    server, label, cfg = state.servers[index], f"app-{index}", state.config
    if server.alive and not server.slow_ms:
        return f"{label} is already up."
    was_slow = server.slow_ms
    server.slow_ms = 0.0
    if server.alive:
        return f"{label} is no longer slow (it was taking +{was_slow:.0f} ms a request)."
    server.alive = server.host_up = True
    if cfg.balancer is Balancer.NGINX:
        return (
            f"{label} is back (with an empty memory). nginx finds out by itself: once "
            f"fail_timeout={cfg.fail_timeout}s has passed since its last failure, the next "
            "request it is due gets through and marks it live."
        )
    if haproxy.is_up(state, index):
        return (
            f"{label} is back. Health checks never marked it DOWN, so it takes traffic "
            "again at once (with an empty memory)."
        )
    change = next_change(state, index)
    eta = f" (at about t={change / 1000:.2f} s)" if change is not None else ""
    return (
        f"{label} is back, but HAProxy keeps it DOWN until {cfg.rise} health checks in a row "
        f"pass{eta}."
    )


def slow(state: ClusterState, name: str, ms: int | None) -> str:
    ref = parse_node(state, name)
    if ref.kind is not NodeKind.APP:
        raise RungsError("Only app servers can be marked slow (for example /cluster slow app-0).")
    extra = DEFAULT_SLOW_MS if ms is None else ms
    if not 1 <= extra <= 60_000:
        raise RungsError(f"A slow server takes 1 to 60000 ms extra per request, not {extra}.")
    state.servers[ref.index].slow_ms = float(extra)
    return (
        f"app-{ref.index} is now slow: each request it takes stays in flight {extra} ms "
        "longer. Round-robin keeps sending it its share; least-connections steers around "
        "it once a request is stuck there (/cluster set lb=least-connections). /cluster "
        "revive clears it."
    )


def data_node(state: ClusterState, ref: NodeRef) -> DataNode:
    if ref.kind is NodeKind.PRIMARY:
        return state.primaries[ref.index]
    return state.replicas[ref.index][ref.replica]


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _checks_fail(n: int) -> str:
    """ "1 health check fails", "3 health checks in a row fail"."""
    return "1 health check fails" if n == 1 else f"{n:,} health checks in a row fail"
