"""Local caches (`local_cache=N`), dead hosts against refused connections, sticky sessions
under each balancer, and the settings each trace states."""

from __future__ import annotations

from conftest import Do, Run, server_of, texts

from engine.sim.config import Balancer
from engine.sim.state import ClusterState


def test_affinity_keeps_one_local_copy_warm_and_round_robin_does_not(
    run: Run, do: Do, cluster: ClusterState
) -> None:
    do("/cluster set local_cache=100 lb=consistent-hash")
    for _ in range(6):
        run("GET /u/7")
    assert cluster.stats.local_hits == 5  # one cold miss, then the same server's own memory
    assert sum("user:7" in s.local for s in cluster.servers) == 1
    do("/cluster reset")
    do("/cluster set local_cache=100")
    for _ in range(6):
        run("GET /u/7")
    assert cluster.stats.local_hits == 3  # every server pays its own first miss
    assert sum("user:7" in s.local for s in cluster.servers) == 3


def test_a_write_leaves_other_servers_local_copies_stale(run: Run, do: Do) -> None:
    do("/cluster set local_cache=100")
    for _ in range(3):
        run("GET /u/8")  # a copy on each server
    write = run("PUT /u/8")  # app-0
    assert "app-0 drops user:8 from its own memory; app-1, app-2 still hold a copy" in texts(write)
    stale = run("GET /u/8")  # app-1
    assert "But this copy is older than the last write to user:8" in texts(stale)


def test_with_affinity_the_writer_holds_the_only_copy(run: Run, do: Do) -> None:
    do("/cluster set local_cache=100 lb=consistent-hash")
    run("GET /u/8")
    write = run("PUT /u/8")
    assert "no other server holds a copy" in texts(write)


def test_a_dead_host_costs_the_connect_timeout_a_refusal_one_round_trip(run: Run, do: Do) -> None:
    do("/cluster wait 2")
    do("/cluster kill app-1 host")
    run("GET /u/1")  # app-0
    hung = run("GET /u/2")  # app-1
    assert "app-1 does not answer at all: its host is down" in texts(hung)
    assert "waits out its timeout connect of 5 s" in texts(hung)
    assert hung.status == "200 OK"
    assert 5_000 < hung.total_ms < 5_010
    do("/cluster revive app-1")
    do("/cluster kill app-1")
    run("GET /u/3")
    refused = run("GET /u/4")
    assert "app-1 refuses the connection" in texts(refused)
    assert refused.total_ms < 10


def test_nginx_waits_out_proxy_connect_timeout_then_the_next_server(run: Run, do: Do) -> None:
    do("/cluster set balancer=nginx connect_timeout=2000")
    do("/cluster kill app-0 host")
    trace = run("GET /u/1")
    assert "waits out its proxy_connect_timeout of 2 s" in texts(trace)
    assert "nginx passes the request to the next upstream, app server 1" in texts(trace)
    assert trace.status == "200 OK"


def test_nginx_sticky_sessions_hash_the_client_address(run: Run, do: Do) -> None:
    do("/cluster set balancer=nginx sticky=on")
    first = run("GET /u/1", user="dana")
    assert "sticky by `hash $remote_addr consistent`" in texts(first)
    assert "open-source nginx has no session cookie" in texts(first)
    assert {server_of(run(f"GET /u/{k}", user="dana")) for k in range(6)} == {server_of(first)}


def test_each_trace_states_its_balancers_settings(run: Run, do: Do) -> None:
    assert "HAProxy model: balance roundrobin; check inter 2s fall 3 rise 2; retries 3;" in (
        run("GET /u/1").steps[0].text
    )
    do("/cluster set balancer=nginx lb=least-connections")
    step = run("GET /u/1").steps[0].text
    assert "nginx model: least_conn; no active health checks (open-source nginx), passive " in step
    assert "max_fails=1 fail_timeout=10s; proxy_next_upstream error timeout;" in step
    assert "proxy_connect_timeout 60s." in step
    do("/cluster set balancer=haproxy redispatch=off lb=consistent-hash layer=l4")
    step = run("GET /u/1").steps[0].text
    assert "balance source, hash-type consistent" in step
    assert "no option redispatch (HAProxy's default)" in step


def test_cluster_show_states_the_settings_and_the_check_counters(
    do: Do, cluster: ClusterState
) -> None:
    from engine.sim.diagram import draw

    picture = draw(cluster)
    assert "[lb] haproxy · L7 · round-robin" in picture
    assert "HAProxy model: balance roundrobin; check inter 2s fall 3 rise 2" in picture
    assert "app-1  up, HAProxy: UP 1/3 (one failed check would take it down)" in picture
    do("/cluster wait 2")
    assert "app-1  up, HAProxy: UP 3/3" in draw(cluster)
    do("/cluster set balancer=nginx")
    assert cluster.config.balancer is Balancer.NGINX
    assert "nginx sends it traffic (no active checks)" in draw(cluster)


def test_a_stale_cached_copy_says_why_the_writers_pin_did_not_help(run: Run, do: Do) -> None:
    do("/cluster set ryw=on")
    run("GET /u/7", user="bob")
    run("PUT /u/7", user="alice")
    run("GET /u/7", user="bob")  # a replica behind the write refills the cache: stale
    own = run("GET /u/7", user="alice")
    assert own.outcome.value == "hit"
    assert "alice's read-your-writes pin does not help here" in texts(own)
    assert "the cache answers first" in texts(own)
