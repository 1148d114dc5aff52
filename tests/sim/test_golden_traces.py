"""Golden traces: exact step sequences on a fresh default cluster, seed 1."""

from __future__ import annotations

from conftest import Run, lines


def test_cold_get_reads_like_the_seed(run: Run) -> None:
    trace = run("GET /u/7")
    assert lines(trace) == [
        "1/11 [lb] GET /u/7: the load balancer routes to app server 0 (round-robin). "
        "Servers are stateless, so any one can serve it. HAProxy model: balance roundrobin; "
        "check inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own "
        "default is off); timeout connect 5s.",
        "2/11 [app-0] app-0 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-0's memory.",
        "3/11 [app-0] app-0 → cache: GET user:7 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-0: MISS: user:7 is not in the cache: nobody has read it since "
        "the cache started.",
        "5/11 [app-0] app-0 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-0] app-0 → replica-0: SELECT * FROM users WHERE id = 7 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-0: returns the row.",
        "8/11 [app-0] app-0 → cache: SET user:7 EX 279 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together).",
        "9/11 [app-0] app-0 builds 200 OK and serializes it.",
        "10/11 [app-0] app-0 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert [s.latency_ms for s in trace.steps] == [0.2, 0.8, 0.3, 0, 0, 1.0, 0, 0.3, 2.2, 0, 0]
    assert round(trace.total_ms, 6) == 4.8
    assert trace.summary == (
        "cache MISS · 4.8 ms in the cluster (~25 ms for the client) · database queries: 1 "
        "(so far: reads 1, writes 0) · cache hit ratio so far 0/1 (0%)"
    )


def test_repeat_is_served_warm_by_the_next_server(run: Run) -> None:
    run("GET /u/7")
    trace = run("GET /u/7")
    assert lines(trace) == [
        "1/7 [lb] GET /u/7: the load balancer routes to app server 1 (round-robin). "
        "Servers are stateless, so any one can serve it. HAProxy model: balance roundrobin; "
        "check inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own "
        "default is off); timeout connect 5s.",
        "2/7 [app-1] app-1 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-1's memory.",
        "3/7 [app-1] app-1 → cache: GET user:7 (cache-aside: ask the cache first).",
        "4/7 [cache] cache → app-1: HIT: user:7 is served from memory and no database is "
        "touched (TTL 279 s left).",
        "5/7 [app-1] app-1 builds 200 OK from the cached copy and serializes it.",
        "6/7 [app-1] app-1 → lb: the response goes back through the balancer.",
        "7/7 [lb] lb → client: 200 OK delivered, 3.5 ms inside the cluster, about 24 ms as "
        "alice sees it.",
    ]
    assert trace.db_queries == 0
    assert trace.summary.endswith("cache hit ratio so far 1/2 (50%)")


def test_write_goes_to_the_primary_and_invalidates(run: Run) -> None:
    run("GET /u/7")
    trace = run("PUT /u/7")
    assert [s.component for s in trace.steps] == [
        "lb",
        "app-1",
        "app-1",
        "db",
        "app-1",
        "app-1",
        "app-1",
        "lb",
        "db",
    ]
    assert "UPDATE users SET … WHERE id = 7: writes always go to the primary" in (
        trace.steps[2].text
    )
    assert trace.steps[4].text.startswith("app-1 → cache: DEL user:7, after the commit")
    assert trace.steps[-1].asynchronous
    assert trace.steps[-1].text.startswith(
        "(after the response) as soon as its write-ahead log is flushed, db streams the change"
    )
    assert "applied about 100 ms later" in trace.steps[-1].text
    assert round(trace.total_ms, 6) == 5.0  # the async replication is not in the total
