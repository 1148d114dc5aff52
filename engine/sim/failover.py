"""`/cluster promote <replica>`: a replica becomes its shard's primary.

With the primary alive it is a planned switchover: the replica catches up, then takes over, and
nothing is lost. With the primary dead it is a failover: writes the old primary acknowledged but
had not shipped when it died are lost (asynchronous replication), and the old primary is fenced:
it must be rebuilt from the new one (pg_rewind, or a fresh base backup) before it rejoins.
"""

from __future__ import annotations

from engine.errors import RungsError
from engine.sim.hashing import shard_of
from engine.sim.nodes import NodeKind, node_name, parse_node, primary_name, replica_name
from engine.sim.state import MAX_REMEMBERED_KEYS, ClusterState, DataNode, remember
from engine.text.counts import count


def promote(state: ClusterState, name: str) -> str:
    ref = parse_node(state, name)
    if ref.kind is not NodeKind.REPLICA:
        raise RungsError(
            "Promote a replica: /cluster promote replica-0 (with shards, shard-1-replica-0)."
        )
    label = node_name(state, ref)
    shard, slot = ref.index, ref.replica
    chosen = state.replicas[shard][slot]
    if not chosen.alive:
        raise RungsError(f"{label} is down; promote a live replica.")
    old = state.primaries[shard]
    pending = [k for k in state.recent_writes if shard_of(k, state.config.shards) == shard]
    others = [
        replica_name(state, shard, i)
        for i, r in enumerate(state.replicas[shard])
        if i != slot and r.alive
    ]
    follow = ""
    if others:
        verb = "follows" if len(others) == 1 else "follow"
        follow = f" {', '.join(others)} now {verb} the new primary."
    state.primaries[shard] = chosen
    if old.alive:
        return _switchover(state, old, label, (shard, slot), pending) + follow
    state.replicas[shard][slot] = DataNode(alive=False, down_since=state.now_ms, fenced=True)
    lost = _lose_unshipped(state, pending, old.down_since)
    return (
        f"Failover: {label} is promoted and is the primary now ({primary_name(state, shard)}). "
        "The old primary is fenced: it must never take writes again (a fencing token or "
        f"STONITH stops a returning old primary from making a split brain); it sits in "
        f"{label}'s place, down until rebuilt from the new primary (/cluster revive {label}, "
        f"as pg_rewind would).{follow} {_lost_text(state, lost)}"
    )


def _switchover(
    state: ClusterState, old: DataNode, label: str, where: tuple[int, int], pending: list[str]
) -> str:
    """The primary is alive: the replica catches up first, then the two trade places."""
    shard, slot = where
    for key in pending:
        del state.recent_writes[key]
    state.replicas[shard][slot] = old
    return (
        f"Planned switchover: {primary_name(state, shard)} stopped taking writes, {label} "
        f"caught up on {count(len(pending), 'pending write')} and took over as the primary (it is "
        f"{primary_name(state, shard)} now); nothing is lost. The old primary now follows "
        f"it, in {label}'s place."
    )


def _lose_unshipped(state: ClusterState, pending: list[str], died: float) -> list[str]:
    """Writes still on the dead primary only are gone; the rest had reached the replica."""
    horizon = died - state.config.lag
    lost = []
    for key in pending:
        committed = state.recent_writes.pop(key)
        if committed <= horizon:
            continue
        lost.append(key)
        remember(state.lost, key, committed, MAX_REMEMBERED_KEYS)
        if key in state.stale:  # a copy of the old row is the truth again
            state.stale.remove(key)
        if state.deleted.pop(key, None) is not None:
            continue  # a lost DELETE: the row is back
        if state.created.pop(key, None) is not None:
            remember(state.deleted, key, committed, MAX_REMEMBERED_KEYS)  # a lost INSERT
    return lost


def _lost_text(state: ClusterState, lost: list[str]) -> str:
    if not lost:
        return (
            "Every write the old primary acknowledged had reached the replica: nothing is lost "
            "this time."
        )
    listed = ", ".join(f"{k} (t={state.lost[k] / 1000:.2f} s)" for k in lost[:6])
    # A copy cached after the write (read from the old primary) shows what is now lost.
    cached = [k for k in lost if k in state.cache and k not in state.stale]
    cache_note = (
        f" The cache still holds {', '.join(cached[:4])} as the old primary had it, so cache and "
        "database disagree until the TTL or the next write."
        if cached
        else ""
    )
    return (
        f"{count(len(lost), 'write')} the old primary acknowledged (its clients got a success) "
        "had not "
        f"reached the replica when it died, and are lost: {listed}. Asynchronous replication "
        "trades this for speed; synchronous replication (RDS Multi-AZ instances, a synchronous "
        "standby in PostgreSQL) loses no committed write, and Patroni's "
        f"maximum_lag_on_failover refuses to promote a replica too far behind.{cache_note}"
    )
