"""The trace semantics the product promises, one scenario at a time (fixed seed, no wall clock)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import Run, server_of, texts

from engine.errors import NotFoundError, RungsError
from engine.sim import faults
from engine.sim import operations as ops
from engine.sim.codec import dump_state, load_state
from engine.sim.config import Balancer, ClusterConfig, Layer, LbAlgorithm
from engine.sim.hashing import client_address, shard_of
from engine.sim.lb.haproxy import is_up
from engine.sim.movement import modulo_share, ring_owner, ring_share
from engine.sim.state import MAX_RECENT_KEYS, ClusterState, new_cluster
from engine.sim.trace import Outcome


def test_round_robin_rotates_and_wraps(run: Run) -> None:
    assert [server_of(run(f"GET /u/{k}")) for k in range(5)] == [
        "app-0",
        "app-1",
        "app-2",
        "app-0",
        "app-1",
    ]


def test_every_later_repeat_within_the_ttl_is_a_hit_wherever_it_lands(run: Run) -> None:
    outcomes = [run("GET /u/7").outcome for _ in range(6)]
    assert outcomes == [Outcome.MISS] + [Outcome.HIT] * 5


def test_ttl_expiry_after_simulated_time(run: Run, cluster: ClusterState) -> None:
    run("GET /u/7")
    ops.wait(cluster, 400)  # past 300 s + 10% jitter
    trace = run("GET /u/7")
    assert trace.outcome is Outcome.MISS
    assert cluster.stats.db_reads == 2


def test_lru_evicts_the_least_recently_used_key(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"cache": 2})
    run("GET /u/1")
    run("GET /u/2")
    run("GET /u/1")  # 1 is now the most recent
    trace = run("GET /u/3")
    assert "evicts user:2, the least recently used key" in texts(trace)
    assert list(cluster.cache) == ["user:1", "user:3"]


def test_health_check_window_then_pulled_out_then_rise(run: Run, cluster: ClusterState) -> None:
    run("GET /u/1")  # app-0
    faults.kill(cluster, "app-1")
    during = run("GET /u/2")  # round-robin still picks app-1
    assert "app-1 refuses the connection" in texts(during)
    assert "lb retries on app server 2 at once" in texts(during)
    assert server_of(during) == "app-2"
    assert during.outcome is Outcome.MISS
    assert is_up(cluster, 1)  # the balancer has not noticed yet
    ops.wait(cluster, 6)
    assert not is_up(cluster, 1)
    handled = Counter(server_of(run(f"GET /u/{k}")) for k in range(10, 16))
    assert handled == {"app-0": 3, "app-2": 3}
    assert "app-1" not in "".join(s.component for s in run("GET /u/20").steps)
    faults.revive(cluster, "app-1")
    assert not is_up(cluster, 1)  # needs `rise` passed checks first
    ops.wait(cluster, 4)
    assert is_up(cluster, 1)


def test_a_server_dead_at_start_up_goes_down_at_its_first_check(cluster: ClusterState) -> None:
    """HAProxy starts every server at `rise` health: one failed check takes it DOWN."""
    faults.kill(cluster, "app-1")
    ops.wait(cluster, 0.6)  # app-1's first check is at 2 s x 1/3
    assert is_up(cluster, 1)
    report = ops.wait(cluster, 0.1)
    assert not is_up(cluster, 1)
    assert "At t=0.67 s app-1 failed its health check" in report


def test_an_up_server_needs_fall_failures(cluster: ClusterState) -> None:
    ops.wait(cluster, 2)  # every server has passed a check: full health
    faults.kill(cluster, "app-1")
    ops.wait(cluster, 4)  # checks at t=2.67 and t=4.67 fail: 2 of 3
    assert is_up(cluster, 1)
    assert cluster.servers[1].health == cluster.config.rise  # one more failure takes it down
    ops.wait(cluster, 2)
    assert not is_up(cluster, 1)


def test_a_dead_host_is_checked_half_as_often(cluster: ClusterState) -> None:
    """Without `timeout check`, a check on a host that never answers times out after `inter`,
    and the next one starts `inter` later: fall 3 takes about 12 s instead of 6."""
    ops.wait(cluster, 2)
    faults.kill(cluster, "app-1", "host")
    ops.wait(cluster, 8)
    assert is_up(cluster, 1)
    ops.wait(cluster, 4)
    assert not is_up(cluster, 1)


def test_write_then_read_within_the_lag_is_stale_and_fills_the_cache(
    run: Run, cluster: ClusterState
) -> None:
    run("GET /u/7")
    run("PUT /u/7", user="alice")
    read = run("GET /u/7", user="bob")  # 50 ms later; lag is 100 ms
    assert "returns the OLD row" in texts(read)
    assert "stale-set hazard" in texts(read)
    assert "read recently written keys from the primary" in texts(read)  # bob did not write
    again = run("GET /u/7", user="carol")
    assert again.outcome is Outcome.HIT
    assert "stale until the TTL runs out" in texts(again)
    run("PATCH /u/7")  # the next write deletes the stale copy
    ops.wait(cluster, 1)
    fresh = run("GET /u/7")
    assert "returns the row." in texts(fresh)
    assert "OLD" not in texts(fresh)


def test_the_writer_reading_stale_is_told_about_read_your_writes(run: Run) -> None:
    run("PUT /u/7", user="alice")
    assert "/cluster set ryw=on" in texts(run("GET /u/7", user="alice"))


def test_reset_gives_the_same_traces_for_the_same_seed(run: Run, cluster: ClusterState) -> None:
    first = [s.text for s in run("GET /u/7").steps]
    run("GET /u/8")
    ops.reset(cluster)
    again = [s.text for s in run("GET /u/7").steps]
    assert again == first


def test_read_your_writes_pins_the_writer_to_the_primary(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"ryw": "on"})
    run("PUT /u/7", user="alice")
    own = run("GET /u/7", user="alice")
    assert "app-" in texts(own)
    assert "picks db: alice wrote" in texts(own)
    assert "OLD" not in texts(own)
    other = run("GET /u/8", user="bob")
    assert "picks replica-0" in texts(other)


def test_sticky_session_is_lost_with_its_server(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"sticky": "on"})
    first = run("GET /u/1", user="alice")
    assert "creates a session for alice in its own memory" in texts(first)
    home = server_of(first)
    assert server_of(run("GET /u/2", user="alice")) == home  # the cookie pins her
    assert server_of(run("GET /u/3", user="alice")) == home
    faults.kill(cluster, home)
    lost = run("GET /u/4", user="alice")
    assert "alice is logged out" in texts(lost)
    assert server_of(lost) != home


def test_stateless_servers_lose_nothing_when_one_dies(run: Run, cluster: ClusterState) -> None:
    run("GET /u/1", user="alice")  # app-0
    faults.kill(cluster, "app-0")
    after = run("GET /u/2", user="alice")
    assert "logged out" not in texts(after)
    assert "loads alice's session from the shared session store" in texts(after)


def test_least_connections_steers_around_a_slow_server(run: Run, cluster: ClusterState) -> None:
    faults.slow(cluster, "app-0", 2_000)
    handled = Counter(server_of(run(f"GET /u/{k}")) for k in range(12))
    assert handled["app-0"] == 4  # round-robin keeps feeding it: requests pile up
    assert len(cluster.servers[0].busy_until) >= 3
    fresh = new_cluster()
    ops.apply_settings(fresh, {"lb": LbAlgorithm.LEAST_CONNECTIONS})
    faults.slow(fresh, "app-0", 2_000)
    steered = Counter(server_of(run(f"GET /u/{k}", state=fresh)) for k in range(12))
    assert steered["app-0"] == 1
    assert "leastconn: it has 0 in flight" in texts(run("GET /u/99", state=fresh))


def test_weighted_round_robin_follows_the_weights(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"lb": LbAlgorithm.WEIGHTED, "weights": (3, 1, 1)})
    handled = Counter(server_of(run(f"GET /u/{k}")) for k in range(50))
    assert handled == {"app-0": 30, "app-1": 10, "app-2": 10}


def test_consistent_hashing_gives_key_affinity(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"lb": LbAlgorithm.CONSISTENT_HASH})
    first = {k: server_of(run(f"GET /u/{k}")) for k in range(20)}
    again = {k: server_of(run(f"GET /u/{k}")) for k in range(20)}
    assert first == again
    assert len(set(first.values())) == 3


def test_l4_hashes_the_client_not_the_url(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"lb": LbAlgorithm.CONSISTENT_HASH, "layer": Layer.L4})
    trace = run("GET /u/1", user="alice")
    assert f"consistent hashing on the client address {client_address('alice')}" in texts(trace)
    assert {server_of(run(f"GET /u/{k}", user="alice")) for k in range(10)} == {server_of(trace)}


@pytest.mark.parametrize("balancer", list(Balancer))
def test_adding_a_server_moves_about_one_in_n_plus_one_keys(balancer: Balancer) -> None:
    three, four = ClusterConfig(balancer=balancer), ClusterConfig(balancer=balancer, servers=4)
    paths = [f"/u/{k}" for k in range(5_000)]
    moved = [p for p in paths if ring_owner(three, p) != ring_owner(four, p)]
    assert 0.20 <= len(moved) / len(paths) <= 0.32  # about 1/4, as lumpy as the ring is
    mod_moved = sum(shard_of(p, 3) != shard_of(p, 4) for p in paths) / len(paths)
    assert mod_moved > 0.70  # about 3/4
    assert all(ring_owner(four, p) == 3 for p in moved)  # moved keys go to the new server only


@pytest.mark.parametrize("balancer", list(Balancer))
@pytest.mark.parametrize(
    ("old", "new", "ring", "modulo"),
    [(3, 4, 0.25, 0.75), (4, 8, 0.5, 0.5), (8, 3, 0.625, 0.875), (1, 4, 0.75, 0.75)],
)
def test_expected_movement_for_any_change(
    balancer: Balancer, old: int, new: int, ring: float, modulo: float
) -> None:
    assert float(ring_share(old, new)) == ring
    assert float(modulo_share(old, new)) == modulo
    before = ClusterConfig(balancer=balancer, servers=old)
    after = ClusterConfig(balancer=balancer, servers=new)
    paths = [f"/u/{k}" for k in range(4_000)]
    measured = sum(ring_owner(before, p) != ring_owner(after, p) for p in paths) / len(paths)
    assert abs(measured - ring) < 0.06


def test_cluster_add_server_says_which_keys_move(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"lb": LbAlgorithm.CONSISTENT_HASH})
    for k in range(40):
        run(f"GET /u/{k}")
    text = ops.add(cluster, "server")
    assert "going from 3 to 4 app servers moves" in text
    assert "about 25% expected" in text
    assert "With hash mod N instead" in text
    assert cluster.config.servers == 4


def test_cache_down_falls_through_and_comes_back_empty(run: Run, cluster: ClusterState) -> None:
    run("GET /u/7")
    faults.kill(cluster, "cache")
    trace = run("GET /u/7")
    assert trace.outcome is Outcome.UNCACHED
    assert trace.db_queries == 1
    faults.revive(cluster, "cache")
    assert run("GET /u/7").outcome is Outcome.MISS


def test_primary_down_fails_writes_but_replicas_serve_reads(
    run: Run, cluster: ClusterState
) -> None:
    faults.kill(cluster, "db")
    write = run("POST /u/7")
    assert write.outcome is Outcome.FAILED
    assert write.status == "503 Service Unavailable"
    assert run("GET /u/7").outcome is Outcome.MISS
    assert cluster.stats.errors == 1


def test_a_single_balancer_is_a_single_point_of_failure(run: Run, cluster: ClusterState) -> None:
    faults.kill(cluster, "lb")
    trace = run("GET /u/7")
    assert trace.outcome is Outcome.FAILED
    assert len(trace.steps) == 1
    assert "single point of failure" in trace.steps[0].text


def test_sharded_reads_go_to_the_keys_shard(run: Run, cluster: ClusterState) -> None:
    ops.apply_settings(cluster, {"shards": 4, "replicas": 0})
    trace = run("GET /u/7")
    assert "hash(user:7) mod 4 =" in texts(trace)
    shard = texts(trace).split("hash(user:7) mod 4 = ")[1][0]
    assert f"app-0 → shard-{shard}: SELECT" in texts(trace)


def test_unknown_nodes_and_bad_settings_change_nothing(cluster: ClusterState) -> None:
    before = dump_state(cluster)
    with pytest.raises(NotFoundError, match="Nodes: lb, app-0"):
        faults.kill(cluster, "app-9")
    with pytest.raises(RungsError):
        ops.apply_settings(cluster, {"servers": 4, "weights": (1, 1)})
    with pytest.raises(RungsError):
        ops.wait(cluster, 0)
    assert dump_state(cluster) == before


def test_same_seed_same_trace_other_seed_other_jitter(run: Run) -> None:
    a, b, c = new_cluster(seed=1), new_cluster(seed=1), new_cluster(seed=2)
    ta, tb, tc = (run("GET /u/7", state=s) for s in (a, b, c))
    assert [s.text for s in ta.steps] == [s.text for s in tb.steps]
    assert ta.steps[7].text != tc.steps[7].text  # the TTL jitter differs


def test_state_round_trips_and_stays_bounded(run: Run, cluster: ClusterState) -> None:
    for k in range(2_000):
        run(f"GET /u/{k}", user=f"user{k % 300}")
    assert len(cluster.cache) == cluster.config.cache
    assert len(cluster.recent_paths) == MAX_RECENT_KEYS
    document = dump_state(cluster)
    assert len(document) < 20_000
    assert dump_state(load_state(document)) == document
