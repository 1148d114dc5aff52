"""Which keys change owner when servers or shards are added or removed, and how many should."""

from __future__ import annotations

from typing import Any

from engine.sim.config import ClusterConfig, LbAlgorithm
from engine.sim.hashing import ring_owner, shard_of
from engine.sim.state import ClusterState


def movement_notes(state: ClusterState, old: ClusterConfig, new: ClusterConfig) -> list[str]:
    """Say which known keys change owner when servers or shards are added or removed."""
    keys = list(dict.fromkeys([*state.recent_keys, *state.cache]))
    notes = []
    if new.servers != old.servers and new.lb is LbAlgorithm.CONSISTENT_HASH and keys:
        notes.append(
            _moved_text(
                "app server",
                keys,
                lambda k: ring_owner(old.servers, k),
                lambda k: ring_owner(new.servers, k),
                old.servers,
                new.servers,
                "consistent hashing",
            )
        )
        notes.append(
            _moved_text(
                "app server",
                keys,
                lambda k: shard_of(k, old.servers),
                lambda k: shard_of(k, new.servers),
                old.servers,
                new.servers,
                "hash mod N",
                brief=True,
            )
        )
    elif new.servers != old.servers and new.lb is not LbAlgorithm.CONSISTENT_HASH:
        notes.append(
            f"{new.lb} has no key affinity, so no key 'moves': the rotation simply has "
            f"{new.servers} servers now."
        )
    if new.shards != old.shards and keys:
        notes.append(
            _moved_text(
                "shard",
                keys,
                lambda k: shard_of(k, old.shards),
                lambda k: shard_of(k, new.shards),
                old.shards,
                new.shards,
                "hash mod N",
            )
        )
    return notes


def _moved_text(
    what: str,
    keys: list[str],
    before: Any,
    after: Any,
    n_old: int,
    n_new: int,
    how: str,
    brief: bool = False,
) -> str:
    moved = [k for k in keys if before(k) != after(k)]
    share = 100 * len(moved) / len(keys)
    if how == "consistent hashing":
        expected = f"about 1/{max(n_old, n_new)} expected"
    else:
        expected = f"about {min(n_old, n_new)}/{max(n_old, n_new)} expected"
    if brief:
        return f"With {how} instead, {len(moved)} of {len(keys)} would move ({share:.0f}%)."
    listed = ", ".join(moved[:8]) + (" …" if len(moved) > 8 else "")
    return (
        f"With {how}, going from {n_old} to {n_new} {what}s moves {len(moved)} of the "
        f"{len(keys)} keys seen lately ({share:.0f}%, {expected})"
        + (f": {listed}." if moved else ".")
    )
