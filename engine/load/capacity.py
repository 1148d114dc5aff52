"""What one node can do and what it costs: the values of content/capacity.yaml, as the model
uses them (seconds and per-second rates; the content file speaks in ms and per-hour prices)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.sim.latency import Latencies

HOURS_PER_MONTH = 730  # the convention of cloud price lists


@dataclass(frozen=True, slots=True)
class NodeCapacity:
    """A node as a queue: `workers` parallel servers, `ops_per_s` in all at 100% busy."""

    ops_per_s: float
    workers: int

    @property
    def service(self) -> float:
        """Mean service time of one operation on one worker (s)."""
        return self.workers / self.ops_per_s


@dataclass(frozen=True, slots=True)
class Prices:
    """On-demand list prices, $/hour, and the CDN's per-request fee."""

    vm_vcpu_hour: float  # app servers and self-run balancers (c5 family, linear in vCPUs)
    db_vcpu_hour: float  # managed PostgreSQL (db.m6g family)
    cache_node_hour: float  # one managed Redis node
    cdn_per_10k_requests: float

    def monthly(self, per_hour: float) -> float:
        return per_hour * HOURS_PER_MONTH


@dataclass(frozen=True, slots=True)
class Edge:
    """The CDN rung: which reads it can answer and how long it keeps them."""

    cacheable_share: float  # share of reads whose responses are public and cacheable
    ttl_s: float
    pops: int  # points of presence, each with its own copy


@dataclass(frozen=True, slots=True)
class Capacities:
    lb: NodeCapacity
    app_cores: int  # vCPUs of the default app server (c5.xlarge)
    app_sizes: tuple[int, ...]  # vCPU sizes of the family, for scaling up
    cache: NodeCapacity
    cache_keys_per_node: int  # keys one node's memory holds
    db_read: NodeCapacity
    db_write: NodeCapacity  # same workers as db_read: one node serves both
    db_sizes: tuple[int, ...]
    apply_per_s: float  # a replica's single replay thread, writes/s
    p99_objective_s: float
    utilisation_target: float
    timeout_s: float
    ryw_reads_per_write: float
    l1_keys: int  # hottest keys an app server keeps in its own memory (the L1 rung)
    l1_ttl_s: float
    edge: Edge
    prices: Prices
    latencies: Latencies

    @property
    def app_cpu(self) -> float:
        """CPU seconds one request costs an app server: the trace's handler and serialising."""
        return (self.latencies.app_cpu_ms + self.latencies.serialize_ms) / 1000

    def app_capacity(self, cores: int) -> float:
        return cores / self.app_cpu

    def db_scale(self, cores: int) -> float:
        """A database node's capacity relative to the default size (linear in vCPUs)."""
        return cores / self.db_read.workers
