"""Golden traces for each simulation defect of issue 12: what the trace used to get wrong, and
what it says now (default cluster, seed 1, unless the test sets otherwise)."""

from __future__ import annotations

from conftest import Do, Run, lines, server_of, texts

from engine.sim.state import ClusterState


def test_a_query_without_the_shard_key_asks_every_shard(run: Run, do: Do) -> None:
    do("/cluster set shards=4 replicas=0")
    trace = run("GET /u/")
    assert lines(trace) == [
        "1/10 [lb] GET /u/: the load balancer routes to app server 0 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/10 [app-0] app-0 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-0's memory.",
        "3/10 [app-0] app-0 → cache: GET u (cache-aside: ask the cache first).",
        "4/10 [cache] cache → app-0: MISS: u is not in the cache: nobody has read it since the "
        "cache started.",
        "5/10 [app-0] app-0 → shard-0, shard-1, shard-2, shard-3: SELECT * FROM users on every "
        "shard at once: /u/ names no shard key, so each of the 4 shards holds part of the "
        "answer (scatter-gather); the reply waits for the slowest.",
        "6/10 [app-0] the 4 shards → app-0: app-0 merges their rows into one answer.",
        "7/10 [app-0] app-0 → cache: SET u EX 300 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together).",
        "8/10 [app-0] app-0 builds 200 OK and serializes it.",
        "9/10 [app-0] app-0 → lb: the response goes back through the balancer.",
        "10/10 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert trace.status == "200 OK"


def test_a_deleted_row_is_gone_from_the_primary_and_stale_on_a_lagging_replica(
    run: Run, do: Do
) -> None:
    do("/cluster set replicas=0")
    run("GET /u/7")
    run("DELETE /u/7")
    trace = run("GET /u/7", user="bob")
    assert lines(trace) == [
        "1/11 [lb] GET /u/7: the load balancer routes to app server 2 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-2] app-2 accepts the request and loads bob's session from the shared "
        "session store: nothing about bob lives in app-2's memory.",
        "3/11 [app-2] app-2 → cache: GET user:7 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-2: MISS: user:7 is not in the cache: a write deleted it "
        "(cache-aside invalidation).",
        "5/11 [app-2] app-2 picks db: there are no read replicas, so reads go to the primary.",
        "6/11 [app-2] app-2 → db: SELECT * FROM users WHERE id = 7 (an indexed point read).",
        "7/11 [db] db → app-2: no such row: user:7 was deleted.",
        "8/11 [app-2] app-2 caches nothing: there is no row (no negative caching).",
        "9/11 [app-2] app-2 builds 404 Not Found and serializes it.",
        "10/11 [app-2] app-2 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 404 Not Found delivered, 4.5 ms inside the cluster, about 24 "
        "ms as bob sees it.",
    ]
    assert trace.status == "404 Not Found"


def test_a_read_of_a_deleted_row_within_the_lag_is_stale(run: Run, do: Do) -> None:
    run("GET /u/7")
    run("DELETE /u/7")
    trace = run("GET /u/7", user="bob")
    assert lines(trace) == [
        "1/11 [lb] GET /u/7: the load balancer routes to app server 2 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-2] app-2 accepts the request and loads bob's session from the shared "
        "session store: nothing about bob lives in app-2's memory.",
        "3/11 [app-2] app-2 → cache: GET user:7 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-2: MISS: user:7 is not in the cache: a write deleted it "
        "(cache-aside invalidation).",
        "5/11 [app-2] app-2 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-2] app-2 → replica-0: SELECT * FROM users WHERE id = 7 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-2: returns the row that was deleted, a stale read: "
        "replica-0 applies writes about 100 ms late and user:7 was deleted 50 ms ago; to avoid "
        "it, read recently written keys from the primary, or wait for the replica's position "
        "to pass the write (read-your-writes pins only protect the writer).",
        "8/11 [app-2] app-2 → cache: SET user:7 EX 294 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together). It stores the OLD value: this stale copy outlives "
        "the lag and is served until its TTL runs out or the next write deletes it (the "
        "stale-set hazard).",
        "9/11 [app-2] app-2 builds 200 OK and serializes it.",
        "10/11 [app-2] app-2 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "bob sees it.",
    ]
    assert trace.status == "200 OK"


def test_a_lost_sticky_session_answers_401_and_explains_the_new_pin(run: Run, do: Do) -> None:
    do("/cluster set sticky=on")
    run("GET /u/1", user="root")
    do("/cluster kill app-0")
    trace = run("PUT /u/1", user="root")
    assert lines(trace) == [
        "1/11 [lb] PUT /u/1: the load balancer routes to app server 0 (sticky session: root's "
        "cookie (HAProxy `cookie SERVERID insert`) names app-0). Sticky sessions are on: "
        "root's session lives in one server's memory. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-0] app-0 refuses the connection: its machine is up but no process listens "
        "on the port, so the kernel answers the SYN with a reset (one round trip). HAProxy "
        "still has it UP: its health checks have not failed enough yet (it will be marked DOWN "
        "in about 6.0 s).",
        "3/11 [lb] lb retries app server 0 after a 1 s pause, HAProxy's turn-around timer "
        "before a retry on the same server (the lesser of timeout connect and 1 s): retry 1 of "
        "3; a persistence cookie chose this server, so only the last retry may go elsewhere.",
        "4/11 [app-0] app-0 refuses the connection: its machine is up but no process listens "
        "on the port, so the kernel answers the SYN with a reset (one round trip).",
        "5/11 [lb] lb retries app server 0 after a 1 s pause, HAProxy's turn-around timer "
        "before a retry on the same server (the lesser of timeout connect and 1 s): retry 2 of "
        "3; a persistence cookie chose this server, so only the last retry may go elsewhere.",
        "6/11 [app-0] app-0 refuses the connection: its machine is up but no process listens "
        "on the port, so the kernel answers the SYN with a reset (one round trip).",
        "7/11 [lb] lb retries on app server 1 at once: retry 3 of 3, and option redispatch "
        "lets it pick another server (round-robin). The connection never carried the request, "
        "so resending is safe, even for a POST.",
        "8/11 [app-1] app-1 has no session for root: it lived in app-0's memory, which lost it "
        "when app-0 went down. root is logged out, so app-1 answers 401 Unauthorized without "
        "touching any data, and root must sign in again; the new session will live in app-1's "
        "memory and HAProxy's response rewrites the cookie to name app-1. Stateless servers "
        "with a shared session store lose nothing.",
        "9/11 [app-1] app-1 builds 401 Unauthorized and serializes it.",
        "10/11 [app-1] app-1 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 401 Unauthorized delivered, 2004.4 ms inside the cluster, "
        "about 2024 ms as root sees it.",
    ]
    assert trace.status == "401 Unauthorized"


def test_a_one_second_ttl_gets_millisecond_jitter(run: Run, do: Do) -> None:
    do("/cluster set ttl=1")
    trace = run("GET /u/9")
    assert lines(trace) == [
        "1/11 [lb] GET /u/9: the load balancer routes to app server 0 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-0] app-0 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-0's memory.",
        "3/11 [app-0] app-0 → cache: GET user:9 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-0: MISS: user:9 is not in the cache: nobody has read it "
        "since the cache started.",
        "5/11 [app-0] app-0 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-0] app-0 → replica-0: SELECT * FROM users WHERE id = 9 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-0: returns the row.",
        "8/11 [app-0] app-0 → cache: SET user:9 PX 1015 (TTL 1 s ±10% jitter, so keys filled "
        "together do not expire together).",
        "9/11 [app-0] app-0 builds 200 OK and serializes it.",
        "10/11 [app-0] app-0 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert trace.status == "200 OK"


def test_head_sends_headers_only(run: Run, do: Do) -> None:
    trace = run("HEAD /u/9")
    assert lines(trace) == [
        "1/11 [lb] HEAD /u/9: the load balancer routes to app server 0 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-0] app-0 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-0's memory.",
        "3/11 [app-0] app-0 → cache: GET user:9 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-0: MISS: user:9 is not in the cache: nobody has read it "
        "since the cache started.",
        "5/11 [app-0] app-0 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-0] app-0 → replica-0: SELECT * FROM users WHERE id = 9 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-0: returns the row.",
        "8/11 [app-0] app-0 → cache: SET user:9 EX 288 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together).",
        "9/11 [app-0] app-0 builds the 200 OK headers: a HEAD response carries no body (the "
        "handler still runs, so the headers match a GET's).",
        "10/11 [app-0] app-0 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert trace.status == "200 OK"


def test_post_to_a_collection_inserts_a_new_row(run: Run, do: Do) -> None:
    run("GET /u")
    trace = run("POST /u")
    assert lines(trace) == [
        "1/9 [lb] POST /u: the load balancer routes to app server 1 (round-robin). Servers are "
        "stateless, so any one can serve it. HAProxy model: balance roundrobin; check inter 2s "
        "fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default is off); "
        "timeout connect 5s.",
        "2/9 [app-1] app-1 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-1's memory.",
        "3/9 [app-1] app-1 → db: INSERT INTO users VALUES (…) RETURNING id, and the database "
        "assigns id 1001: writes always go to the primary.",
        "4/9 [db] db → app-1: COMMIT is durable once the primary has flushed its write-ahead log.",
        "5/9 [app-1] app-1 → cache: DEL u: nothing is cached under user:1001 yet, but a cached "
        "list u would now be missing the new row.",
        "6/9 [app-1] app-1 builds 201 Created (Location: /u/1001) and serializes it.",
        "7/9 [app-1] app-1 → lb: the response goes back through the balancer.",
        "8/9 [lb] lb → client: 201 Created (Location: /u/1001) delivered, 5.0 ms inside the "
        "cluster, about 25 ms as alice sees it.",
        "9/9 [db] (after the response) as soon as its write-ahead log is flushed, db streams "
        "the change to replica-0, applied about 100 ms later. A read that misses the cache and "
        "lands on a replica before then sees the old row.",
    ]
    assert trace.status == "201 Created (Location: /u/1001)"


def test_lag_zero_says_no_read_sees_the_old_row(run: Run, do: Do) -> None:
    do("/cluster set lag=0")
    trace = run("PUT /u/9")
    assert lines(trace) == [
        "1/9 [lb] PUT /u/9: the load balancer routes to app server 0 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/9 [app-0] app-0 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-0's memory.",
        "3/9 [app-0] app-0 → db: UPDATE users SET … WHERE id = 9: writes always go to the primary.",
        "4/9 [db] db → app-0: COMMIT is durable once the primary has flushed its write-ahead log.",
        "5/9 [app-0] app-0 → cache: DEL user:9, after the commit: deleting (not setting) is "
        "idempotent and two writers cannot leave the older value behind, though a concurrent "
        "miss can still refill it (the stale-set hazard).",
        "6/9 [app-0] app-0 builds 200 OK and serializes it.",
        "7/9 [app-0] app-0 → lb: the response goes back through the balancer.",
        "8/9 [lb] lb → client: 200 OK delivered, 5.0 ms inside the cluster, about 25 ms as "
        "alice sees it.",
        "9/9 [db] (after the response) as soon as its write-ahead log is flushed, db streams "
        "the change to replica-0, which applies it at once here (lag=0, an idealisation: a "
        "real asynchronous replica trails by at least a network round trip), so no read sees "
        "the old row.",
    ]
    assert trace.status == "200 OK"


def test_every_server_down_gets_503_at_once(run: Run, do: Do) -> None:
    do("/cluster wait 2")
    do("/cluster kill app-0")
    do("/cluster kill app-1")
    do("/cluster kill app-2")
    do("/cluster wait 8")
    trace = run("GET /u/1")
    assert lines(trace) == [
        "1/1 [lb] GET /u/1: health checks have marked every app server DOWN, so HAProxy has no "
        "server to send it to and answers 503 Service Unavailable at once. (An AWS ALB would "
        "fail open and try them all.) HAProxy model: balance roundrobin; check inter 2s fall 3 "
        "rise 2; retries 3; option redispatch (on here; HAProxy's own default is off); timeout "
        "connect 5s.",
    ]
    assert trace.status == "503 Service Unavailable"


def test_a_miss_says_the_key_was_evicted(run: Run, do: Do) -> None:
    do("/cluster set cache=1")
    run("GET /u/1")
    run("GET /u/2")
    trace = run("GET /u/1")
    assert lines(trace) == [
        "1/11 [lb] GET /u/1: the load balancer routes to app server 2 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-2] app-2 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-2's memory.",
        "3/11 [app-2] app-2 → cache: GET user:1 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-2: MISS: user:1 is not in the cache: the cache evicted it "
        "when it was full (LRU: the least recently used key goes).",
        "5/11 [app-2] app-2 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-2] app-2 → replica-0: SELECT * FROM users WHERE id = 1 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-2: returns the row.",
        "8/11 [app-2] app-2 → cache: SET user:1 EX 326 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together). The cache is full (1 key), so it evicts user:2, the "
        "least recently used key.",
        "9/11 [app-2] app-2 builds 200 OK and serializes it.",
        "10/11 [app-2] app-2 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert trace.status == "200 OK"


def test_a_miss_says_the_key_expired(run: Run, do: Do) -> None:
    run("GET /u/1")
    do("/cluster wait 400")
    trace = run("GET /u/1")
    assert lines(trace) == [
        "1/11 [lb] GET /u/1: the load balancer routes to app server 1 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-1] app-1 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-1's memory.",
        "3/11 [app-1] app-1 → cache: GET user:1 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-1: MISS: user:1 is not in the cache: its TTL ran out.",
        "5/11 [app-1] app-1 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-1] app-1 → replica-0: SELECT * FROM users WHERE id = 1 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-1: returns the row.",
        "8/11 [app-1] app-1 → cache: SET user:1 EX 294 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together).",
        "9/11 [app-1] app-1 builds 200 OK and serializes it.",
        "10/11 [app-1] app-1 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert trace.status == "200 OK"


def test_a_miss_says_the_cache_restarted(run: Run, do: Do) -> None:
    run("GET /u/1")
    do("/cluster kill cache")
    do("/cluster revive cache")
    trace = run("GET /u/1")
    assert lines(trace) == [
        "1/11 [lb] GET /u/1: the load balancer routes to app server 1 (round-robin). Servers "
        "are stateless, so any one can serve it. HAProxy model: balance roundrobin; check "
        "inter 2s fall 3 rise 2; retries 3; option redispatch (on here; HAProxy's own default "
        "is off); timeout connect 5s.",
        "2/11 [app-1] app-1 accepts the request and loads alice's session from the shared "
        "session store: nothing about alice lives in app-1's memory.",
        "3/11 [app-1] app-1 → cache: GET user:1 (cache-aside: ask the cache first).",
        "4/11 [cache] cache → app-1: MISS: user:1 is not in the cache: the cache restarted and "
        "came back empty.",
        "5/11 [app-1] app-1 picks replica-0: reads go to a read replica, so the primary keeps "
        "its capacity for writes.",
        "6/11 [app-1] app-1 → replica-0: SELECT * FROM users WHERE id = 1 (an indexed point read).",
        "7/11 [replica-0] replica-0 → app-1: returns the row.",
        "8/11 [app-1] app-1 → cache: SET user:1 EX 294 (TTL 300 s ±10% jitter, so keys filled "
        "together do not expire together).",
        "9/11 [app-1] app-1 builds 200 OK and serializes it.",
        "10/11 [app-1] app-1 → lb: the response goes back through the balancer.",
        "11/11 [lb] lb → client: 200 OK delivered, 4.8 ms inside the cluster, about 25 ms as "
        "alice sees it.",
    ]
    assert trace.status == "200 OK"


def test_the_last_server_pulled_out_means_no_traffic_at_all(do: Do) -> None:
    do("/cluster wait 2")  # every server has passed a check: full health
    for node in ("app-0", "app-1", "app-2"):
        do(f"/cluster kill {node}")
    report = do("/cluster wait 8")
    assert "goes only to the others" not in report
    assert report.endswith("No server is UP: every request now gets 503 Service Unavailable.")
    assert report.count("marks it DOWN") == 3


def test_scaling_in_says_whose_sessions_are_lost(run: Run, do: Do) -> None:
    do("/cluster set sticky=on")
    run("GET /u/1", user="ann")
    run("GET /u/2", user="bea")
    run("GET /u/3", user="cid")  # round-robin: cid's session lives on app-2
    assert do("/cluster set servers=2") == (
        "Cluster updated: servers=2. round-robin has no key affinity, so no key 'moves': the "
        "rotation simply has 2 servers now. app-2 is removed with 1 session in its memory "
        "(cid): those users are logged out and must sign in again. With stateless servers "
        "scaling in loses nothing. HAProxy model: balance roundrobin; check inter 2s fall 3 "
        "rise 2; retries 3; option redispatch (on here; HAProxy's own default is off); timeout "
        "connect 5s."
    )


def test_killing_the_primary_names_the_promotion_that_now_exists(do: Do) -> None:
    assert do("/cluster kill db") == (
        "db, a primary, has failed. Writes to it fail until it is back or a replica is promoted "
        "(/cluster promote replica-0); reads can still be served by its replicas. Writes it "
        "acknowledged in its last 100 ms (the replication lag) had not reached the replicas: a "
        "failover now loses them."
    )
    assert do("/cluster promote replica-0").startswith("Failover: replica-0 is promoted")


def test_the_health_check_window_shows_what_the_requests_in_it_get(
    run: Run, do: Do, cluster: ClusterState
) -> None:
    """The lesson used to say requests in the window fail while every traced one succeeded:
    with option redispatch they succeed (slower), without it they get 503 after the retries."""
    do("/cluster wait 2")
    do("/cluster kill app-1")
    run("GET /u/1")  # app-0
    with_redispatch = run("GET /u/2")
    assert with_redispatch.status == "200 OK"
    assert "app-1 refuses the connection" in texts(with_redispatch)
    do("/cluster set redispatch=off")
    assert server_of(run("GET /u/3")) == "app-0"
    without = run("GET /u/4")  # app-1's turn in the rotation
    assert without.status == "503 Service Unavailable"
    assert texts(without).count("app-1 refuses the connection") == 4  # the first try, 3 retries
    assert round(without.total_ms) == 3002  # three 1 s pauses, four round trips, the balancer
