"""An ASCII picture of the cluster's tiers and each node's state, for `/cluster show`."""

from __future__ import annotations

from engine.sim.config import Balancer
from engine.sim.lb import haproxy, nginx
from engine.sim.lb.haproxy_checks import next_change
from engine.sim.lb.names import settings_line
from engine.sim.nodes import primary_name, replica_name
from engine.sim.state import ClusterState, DataNode
from engine.text.counts import count


def draw(state: ClusterState) -> str:
    cfg = state.config
    lines = ["client", "  │"]
    lb_state = "up" if state.lb_alive else "DOWN (single point of failure)"
    sticky = "sticky sessions" if cfg.sticky else "stateless servers"
    lines.append(f"[lb] {cfg.balancer} · {cfg.layer.upper()} · {cfg.lb} · {sticky} · {lb_state}")
    lines.append(f"     {settings_line(cfg)}")
    for index in range(len(state.servers)):
        branch = "└─" if index == len(state.servers) - 1 else "├─"
        lines.append(f"  {branch} app-{index}  {_server_state(state, index)}")
    lines.append("  │")
    lines.extend(_cache_lines(state))
    for shard, group in enumerate(state.replicas):
        primary = primary_name(state, shard)
        row = f"[{primary}] primary · {_node_state(state.primaries[shard])}"
        for r, replica in enumerate(group):
            row += f"  ·  {replica_name(state, shard, r)} {_node_state(replica)}"
        lines.append(row)
    replication = f"replication lag {cfg.lag} ms" if cfg.replicas else "no read replicas"
    pin = "read-your-writes pin on" if cfg.ryw else "read-your-writes pin off"
    lines.append(f"{replication} · {pin}")
    stats = state.stats
    lines.append(
        f"t={state.now_ms / 1000:.2f} s · {count(stats.requests, 'request')} · "
        f"{count(stats.db_reads, 'DB read')} · {count(stats.db_writes, 'DB write')} · "
        f"{stats.errors} failed · seed {state.seed}"
    )
    return "\n".join(lines)


def _cache_lines(state: ClusterState) -> list[str]:
    cfg = state.config
    if not cfg.cache:
        head = "[cache] none (cache=0)"
    elif state.cache_alive:
        head = (
            f"[cache] {len(state.cache)}/{cfg.cache} keys · LRU · TTL {cfg.ttl} s · "
            f"{_hit_ratio(state)} · up"
        )
    else:
        head = "[cache] DOWN: every read goes to the database"
    lines = [head]
    if cfg.local_cache:
        lines.append(
            f"        each app server also keeps up to {cfg.local_cache} keys in its own memory "
            f"· {state.stats.local_hits} local hits"
        )
    lines.append("  │")
    return lines


def _server_state(state: ClusterState, index: int) -> str:
    server = state.servers[index]
    truth = "up" if server.alive else ("DOWN (host dead)" if not server.host_up else "DOWN")
    text = f"{truth}, {_balancer_view(state, index)}"
    text += f" · {server.served} served"
    if server.busy_until:
        text += f" · {len(server.busy_until)} in flight"
    if server.slow_ms:
        text += f" · slow (+{server.slow_ms:.0f} ms)"
    if state.config.sticky and server.sessions:
        text += f" · {count(len(server.sessions), 'session')} in memory"
    if state.config.local_cache:
        text += f" · {count(len(server.local), 'local key')}"
    return text


def _balancer_view(state: ClusterState, index: int) -> str:
    cfg, server = state.config, state.servers[index]
    if cfg.balancer is Balancer.NGINX:
        if len(state.servers) > 1 and nginx.is_failed(state, index):
            fails = server.peer[nginx.FAILS]
            return f"skipped by nginx after {count(fails, 'failure')}, for fail_timeout"
        return "nginx sends it traffic (no active checks)"
    change = next_change(state, index)
    when = f", changes at about t={change / 1000:.2f} s" if change is not None else ""
    if haproxy.is_up(state, index):  # as HAProxy's own status lines count it
        margin = server.health - cfg.rise + 1
        edge = " (one failed check would take it down)" if margin == 1 and cfg.fall > 1 else ""
        return f"HAProxy: UP {margin}/{cfg.fall}{edge}{when}"
    return f"HAProxy: DOWN {server.health}/{cfg.rise}{when}"


def _node_state(node: DataNode) -> str:
    if node.fenced:
        return "FENCED (old primary: rebuild before it rejoins)"
    return "up" if node.alive else "DOWN"


def _hit_ratio(state: ClusterState) -> str:
    lookups = state.stats.hits + state.stats.misses
    if not lookups:
        return "no lookups yet"
    return f"hit ratio {state.stats.hits}/{lookups} ({100 * state.stats.hits / lookups:.0f}%)"
