"""An ASCII picture of the cluster's tiers and each node's state, for `/cluster show`."""

from __future__ import annotations

from engine.sim.balancer import in_flight
from engine.sim.config import LbAlgorithm
from engine.sim.nodes import primary_name, replica_name
from engine.sim.state import AppServer, ClusterState


def draw(state: ClusterState) -> str:
    cfg = state.config
    lines = ["client", "  │"]
    lb_state = "up" if state.lb_alive else "DOWN (single point of failure)"
    algorithm = str(cfg.lb)
    if cfg.lb is LbAlgorithm.WEIGHTED:
        algorithm += " " + ",".join(str(cfg.weight_of(i)) for i in range(cfg.servers))
    sticky = "sticky sessions" if cfg.sticky else "stateless servers"
    lines.append(f"[lb] {cfg.layer.upper()} · {algorithm} · {sticky} · {lb_state}")
    for index, server in enumerate(state.servers):
        branch = "└─" if index == len(state.servers) - 1 else "├─"
        lines.append(f"  {branch} app-{index}  {_server_state(state, index, server)}")
    lines.append("  │")
    if cfg.cache:
        if state.cache_alive:
            lines.append(
                f"[cache] {len(state.cache)}/{cfg.cache} keys · LRU · TTL {cfg.ttl} s · "
                f"{_hit_ratio(state)} · up"
            )
        else:
            lines.append("[cache] DOWN: every read goes to the database")
        lines.append("  │")
    else:
        lines.append("[cache] none (cache=0)")
        lines.append("  │")
    for shard, group in enumerate(state.replicas):
        primary = primary_name(state, shard)
        up = "up" if state.primaries[shard].alive else "DOWN"
        row = f"[{primary}] primary · {up}"
        for r, replica in enumerate(group):
            row += f"  ·  {replica_name(state, shard, r)} {'up' if replica.alive else 'DOWN'}"
        lines.append(row)
    replication = f"replication lag {cfg.lag} ms" if cfg.replicas else "no read replicas"
    pin = "read-your-writes pin on" if cfg.ryw else "read-your-writes pin off"
    lines.append(
        f"{replication} · {pin} · health checks every {cfg.interval} s, "
        f"fall {cfg.fall}, rise {cfg.rise}"
    )
    stats = state.stats
    lines.append(
        f"t={state.now_ms / 1000:.2f} s · {stats.requests} requests · "
        f"{stats.db_reads} DB reads · {stats.db_writes} DB writes · "
        f"{stats.errors} failed · seed {state.seed}"
    )
    return "\n".join(lines)


def _server_state(state: ClusterState, index: int, server: AppServer) -> str:
    cfg = state.config
    if server.alive and server.in_rotation:
        text = "up, in rotation"
    elif server.alive:
        text = f"up, out of rotation until {cfg.rise} checks pass ({server.rises} so far)"
    elif server.in_rotation:
        text = f"DOWN, still in rotation: {server.fails} of {cfg.fall} failed checks so far"
    else:
        text = "DOWN, out of rotation"
    text += f" · {server.served} served"
    busy = in_flight(state, index)
    if busy:
        text += f" · {busy} in flight"
    if server.slow_ms:
        text += f" · slow (+{server.slow_ms:.0f} ms)"
    if cfg.sticky and server.sessions:
        text += f" · {len(server.sessions)} session(s) in memory"
    return text


def _hit_ratio(state: ClusterState) -> str:
    lookups = state.stats.hits + state.stats.misses
    if not lookups:
        return "no lookups yet"
    return f"hit ratio {state.stats.hits}/{lookups} ({100 * state.stats.hits / lookups:.0f}%)"
