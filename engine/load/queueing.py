"""One station: c identical servers sharing one FIFO queue, fed by Poisson arrivals.

Erlang C gives M/M/c exactly (subject.md 4.4): P(wait) = C(c, a), mean wait
Wq = C / (c mu - lambda), and the wait, when there is one, is exponential with rate
c mu - lambda. A station whose classes have different mean service times (a database that
serves 0.2 ms reads and 0.8 ms commits) is no longer M/M/c; the Allen-Cunneen approximation
scales the M/M/c wait of the mean service time by (1 + Cs^2) / 2, where Cs^2 is the squared
coefficient of variation of the mixed service time (1 for one exponential class, so the
formula is exact there). The discrete-event check in tests/load measures how close that is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Flow(NamedTuple):
    """One class of work at a station: its arrival rate (/s) and mean service time (s). A
    named tuple: stations are looked up by their flows every step of a scenario, and a tuple
    hashes in C."""

    rate: float
    service: float


@dataclass(frozen=True, slots=True)
class Queue:
    """Steady state of a station; past saturation only `rho` (> 1) is meaningful."""

    servers: int
    rho: float  # utilisation: offered work / servers
    p_wait: float  # probability an arrival waits
    wait: float  # mean wait in the queue (s)
    theta: float  # rate of the exponential wait, given a wait (1/s); inf when p_wait is 0

    @property
    def saturated(self) -> bool:
        return self.rho >= 1.0

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the wait (0 while more than 1-q of arrivals do not wait)."""
        if self.saturated:
            return math.inf
        tail = 1 - q
        if self.p_wait <= tail or math.isinf(self.theta):
            return 0.0
        return math.log(self.p_wait / tail) / self.theta


def erlang_c(servers: int, offered: float) -> float:
    """P(wait) in M/M/c with `offered` = lambda / mu Erlangs (< servers), via Erlang B's
    recurrence, which stays stable for any number of servers."""
    if offered <= 0:
        return 0.0
    b = 1.0
    for k in range(1, servers + 1):
        b = offered * b / (k + offered * b)
    rho = offered / servers
    return b / (1 - rho * (1 - b))


def stations(nodes: dict[str, tuple[int, tuple[Flow, ...]]]) -> dict[str, Queue]:
    """`station` for many nodes, computing each distinct node once (a fleet of identical app
    servers is one computation)."""
    seen: dict[tuple[int, tuple[Flow, ...]], Queue] = {}
    out = {}
    for name, key in nodes.items():
        if key not in seen:
            seen[key] = station(*key)
        out[name] = seen[key]
    return out


def station(servers: int, flows: Sequence[Flow]) -> Queue:
    rate = sum(f.rate for f in flows)
    if rate <= 0:
        return Queue(servers, 0.0, 0.0, 0.0, math.inf)
    work = sum(f.rate * f.service for f in flows)
    rho = work / servers
    if rho >= 1.0:
        return Queue(servers, rho, 1.0, math.inf, 0.0)
    mean = work / rate
    second = sum(f.rate * 2 * f.service**2 for f in flows) / rate
    scv = second / mean**2 - 1  # 1 for a single exponential class
    p_wait = erlang_c(servers, work)
    wait = p_wait / (servers / mean - rate) * (1 + scv) / 2
    theta = p_wait / wait if wait > 0 else math.inf
    return Queue(servers, rho, p_wait, wait, theta)
