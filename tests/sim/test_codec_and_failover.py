"""Stored clusters still load after the named balancers (format 2 documents are upgraded), and
`/cluster promote` fails over or switches over with the losses said."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Do, Run, server_of, texts

from engine.errors import RungsError
from engine.sim.codec import FORMAT, StateFormatError, dump_state, load_state
from engine.sim.config import Balancer, LbAlgorithm
from engine.sim.lb.haproxy import is_up
from engine.sim.sessions import forget_user
from engine.sim.state import ClusterState

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_format_2_cluster_still_loads(run: Run) -> None:
    """Saved by the code before this change (weights 3,1,1, sticky, app-1 dead and out of
    rotation, a write pending on the replicas)."""
    state = load_state((FIXTURES / "cluster-format-2.json").read_text())
    cfg = state.config
    assert (cfg.balancer, cfg.lb, cfg.weights) == (
        Balancer.HAPROXY,
        LbAlgorithm.WEIGHTED,
        (3, 1, 1),
    )
    assert (cfg.redispatch, cfg.retries, cfg.local_cache) == (True, 3, 0)
    assert not state.servers[1].alive
    assert [is_up(state, i) for i in range(3)] == [True, False, True]
    # It named its users by display name: format 4 keeps ids only, so they are signed out.
    assert all(server.sessions == [] for server in state.servers)
    assert state.sticky == {}
    assert "user:3" in state.recent_writes
    assert state.trace_no == 7
    after = [server_of(run("GET /u/9", user="carol", state=state)) for _ in range(5)]
    assert "app-1" not in after
    assert load_state(dump_state(state)).config == state.config
    assert f'"format":{FORMAT}' in dump_state(state)


def test_a_format_3_cluster_loads_without_the_display_names_it_held(
    run: Run, do: Do, cluster: ClusterState
) -> None:
    do("/cluster set sticky=on")
    run("GET /u/7", user="zed-secret-name")
    run("POST /u/7", user="zed-secret-name")
    old = dump_state(cluster).replace(f'"format":{FORMAT}', '"format":3')
    assert "zed-secret-name" in old
    loaded = load_state(old)
    assert "zed-secret-name" not in dump_state(loaded)
    assert loaded.trace_no == cluster.trace_no


def test_forgetting_a_user_takes_out_their_sessions_cookie_and_last_write(
    run: Run, do: Do, cluster: ClusterState
) -> None:
    do("/cluster set sticky=on")
    run("GET /u/7", user="ana")
    run("POST /u/7", user="ana")
    run("GET /u/7", user="ben")
    assert forget_user(cluster, "ana")
    assert "ana" not in dump_state(cluster)
    assert "ben" in dump_state(cluster)
    assert not forget_user(cluster, "ana")


def test_an_unknown_format_is_refused_whole() -> None:
    with pytest.raises(StateFormatError, match="unknown cluster format 99"):
        load_state('{"format": 99, "cluster": {}}')
    with pytest.raises(StateFormatError):
        load_state('{"format": 3, "cluster": {"seed": 1}}')


def test_failover_loses_the_writes_not_yet_shipped(run: Run, do: Do) -> None:
    do("/cluster set replicas=2 lag=500")
    run("PUT /u/7")  # t=0.00
    do("/cluster wait 1")  # shipped and applied
    run("PUT /u/8")  # t=1.05: acknowledged, not yet shipped
    do("/cluster kill db")
    refused = run("PUT /u/9")
    assert refused.status == "503 Service Unavailable"
    assert "/cluster promote replica-0" in texts(refused)
    text = do("/cluster promote replica-0")
    assert text.startswith("Failover: replica-0 is promoted and is the primary now (db).")
    assert "replica-1 now follows the new primary." in text
    assert "1 write the old primary acknowledged" in text
    assert "are lost: user:8 (t=1.05 s)" in text
    assert "user:7" not in text
    lost = run("GET /u/8", user="bob")
    assert "returns the row as it was before the write at t=1.05 s" in texts(lost)
    assert "lost in the failover" in texts(lost)
    kept = run("GET /u/7", user="bob")
    assert "returns the row." in texts(kept)
    assert run("PUT /u/9").status == "200 OK"  # the new primary takes writes


def test_the_old_primary_is_fenced_until_rebuilt(run: Run, do: Do, cluster: ClusterState) -> None:
    do("/cluster kill db")
    do("/cluster promote replica-0")
    assert cluster.replicas[0][0].fenced
    assert not cluster.replicas[0][0].alive
    assert "replica-0 FENCED" in do_show(cluster)
    read = run("GET /u/1")
    assert "picks db: every replica is down" in texts(read)  # the fenced node serves nothing
    assert "rebuilt from the new primary" in do("/cluster revive replica-0")
    assert "picks replica-0" in texts(run("GET /u/2"))


def test_a_lost_insert_is_a_missing_row_and_a_lost_delete_brings_it_back(run: Run, do: Do) -> None:
    do("/cluster set lag=1000")
    run("POST /u")  # user:1001
    run("DELETE /u/5")
    do("/cluster kill db")
    do("/cluster promote replica-0")
    assert run("GET /u/1001").status == "404 Not Found"
    assert "the insert of user:1001 at t=0.00 s was acknowledged" in texts(run("GET /u/1001"))
    back = run("GET /u/5")
    assert back.status == "200 OK"
    assert "returns the row as it was before the write at t=0.05 s" in texts(back)


def test_a_planned_switchover_loses_nothing(run: Run, do: Do, cluster: ClusterState) -> None:
    do("/cluster set replicas=2 lag=500")
    run("PUT /u/7")
    text = do("/cluster promote replica-1")
    assert text.startswith("Planned switchover: db stopped taking writes, replica-1 caught up")
    assert "nothing is lost" in text
    assert not cluster.recent_writes
    assert all(node.alive for node in cluster.replicas[0])
    assert "returns the row." in texts(run("GET /u/7"))


def test_promote_needs_a_live_replica(do: Do) -> None:
    with pytest.raises(RungsError, match="Promote a replica"):
        do("/cluster promote db")
    do("/cluster kill replica-0")
    with pytest.raises(RungsError, match="replica-0 is down"):
        do("/cluster promote replica-0")


def test_sharded_promotion_names_the_shard(run: Run, do: Do) -> None:
    do("/cluster set shards=2 replicas=1")
    do("/cluster kill shard-1")
    text = do("/cluster promote shard-1-replica-0")
    assert "shard-1-replica-0 is promoted and is the primary now (shard-1)" in text


def do_show(state: ClusterState) -> str:
    from engine.sim.diagram import draw

    return draw(state)
