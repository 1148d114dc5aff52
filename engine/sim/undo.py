"""Taking a /cluster change back: the cluster's setup as it was before the change, on the
cluster as it is now.

The setup is what a /cluster change sets: the configuration (balancer, servers, cache, replicas,
shards, sessions …) and which nodes are up, down or slow. What traffic did since the change
stays: the cache's keys, sessions and cookies, the rows written, the clock and the counters. A
learner who undoes `/cluster kill app-1` wants app-1 back, not the cache that the traces since
have warmed thrown away. A reset is the exception: it threw everything away, cache included,
so undoing it brings the whole cluster back as it was before it (the trace numbers carry on).
"""

from __future__ import annotations

import copy
from dataclasses import fields

from engine.sim.config import ClusterConfig
from engine.sim.operations import restart_parts
from engine.sim.state import ClusterState, cache_clear, resize


def restore_setup(state: ClusterState, before: ClusterState) -> None:
    """Put `before`'s setup on `state`, keeping what traffic did (in place)."""
    old = state.config
    updates = {
        f.name: getattr(before.config, f.name)
        for f in fields(ClusterConfig)
        if getattr(before.config, f.name) != getattr(old, f.name)
    }
    state.config = before.config
    added = resize(state)
    restart_parts(state, old, updates, added)
    for server, was in zip(state.servers, before.servers, strict=False):
        server.alive, server.host_up = was.alive, was.host_up
        server.health, server.slow_ms = was.health, was.slow_ms
    state.lb_alive = before.lb_alive
    if state.cache_alive and not before.cache_alive:
        cache_clear(state)  # a cache that was down holds nothing
    state.cache_alive = before.cache_alive
    state.primaries = copy.deepcopy(before.primaries)  # up, down, fenced: a failover undone
    state.replicas = copy.deepcopy(before.replicas)
    state.seed = before.seed


def restore_all(state: ClusterState, before: ClusterState) -> None:
    """Put the whole of `before` back (undoing a reset); trace numbers never go back, so the
    buttons of traces made since find nothing rather than another trace."""
    trace_no = max(state.trace_no, before.trace_no)
    for name in ClusterState.__slots__:
        setattr(state, name, getattr(before, name))
    state.trace_no = trace_no
