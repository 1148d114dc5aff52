"""Per-hop latencies the simulation charges; the values come from content/latency.yaml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Latencies:
    lb_l4_ms: float  # an L4 balancer forwards packets without reading them
    lb_l7_ms: float  # an L7 balancer terminates, parses and re-opens the request
    network_rtt_ms: float  # a round trip inside one data centre
    app_cpu_ms: float  # the handler's own work on the app server
    serialize_ms: float  # building the response body
    cache_rtt_ms: float  # a cache GET, SET or DEL (network bound)
    db_read_ms: float  # an indexed point read, page in the buffer cache
    db_write_ms: float  # a single-row write and its commit (WAL flush)
    client_rtt_ms: float  # the client's own round trip to the balancer
    arrival_gap_ms: float  # simulated time between two requests of the traffic
