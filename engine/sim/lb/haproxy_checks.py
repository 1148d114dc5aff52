"""HAProxy's active health checks (src/check.c, HAProxy 2.6), on the simulated clock.

- Each server's check runs every `inter`; at start-up the checks are spread over one interval
  (server k of n starts at k × inter / n), as start_checks() does.
- The check counter runs from 0 to rise+fall-1 and the server is UP while it is at least `rise`.
  A failure takes one off, and dropping below `rise` means DOWN at once (the counter goes to 0);
  a success adds one, and reaching `rise` means fully UP. A server starts at `rise`: UP, but one
  failed check from DOWN, so a server dead at start-up goes down at its first check.
- A refused connection fails a check at once. A dead host does not answer: without `timeout
  check` the check times out after `inter`, and the next starts `inter` after that, so a dead
  host is checked half as often.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from engine.sim.lb import haproxy
from engine.sim.state import AppServer, ClusterState


@dataclass(slots=True)
class CheckReport:
    """Servers that changed state while the clock moved, with when."""

    went_down: list[tuple[int, float]] = field(default_factory=list)
    came_up: list[tuple[int, float]] = field(default_factory=list)


def schedule(state: ClusterState, servers: list[int] | None = None) -> None:
    """Start the checks of `servers` (default: all) spread over one interval from now."""
    inter, n = state.config.interval_ms, len(state.servers)
    for index in range(n) if servers is None else servers:
        server = state.servers[index]
        server.check_at = state.now_ms + inter * index // n
        server.check_fails_at = -1.0


def run(state: ClusterState, end: float, report: CheckReport) -> None:
    """Run every check event before `end`, in time order across servers."""
    events = [(at, i) for i, s in enumerate(state.servers) if (at := _next_event(s)) < end]
    if not events:  # the common case: a request's 50 ms pass between two checks
        return
    heapq.heapify(events)
    while events:
        at, index = heapq.heappop(events)
        server = state.servers[index]
        _handle(state, index, at, report)
        if _settled(state, server):
            _skip_to(state, server, end)
            continue
        following = _next_event(server)
        if following < end:
            heapq.heappush(events, (following, index))


def next_change(state: ClusterState, index: int) -> float | None:
    """When the checks will next change this server's state (UP to DOWN or back), if ever."""
    server, cfg, inter = state.servers[index], state.config, state.config.interval_ms
    answers, passes = server.host_up, server.alive and server.host_up
    if passes == haproxy.is_up(state, index):
        return None
    needed = (cfg.rise - server.health) if passes else (server.health - cfg.rise + 1)
    if server.check_fails_at >= 0:
        return server.check_fails_at + (needed - 1) * 2 * inter
    period = inter if answers else 2 * inter
    first = server.check_at if answers else server.check_at + inter
    return first + (needed - 1) * period


def _next_event(server: AppServer) -> float:
    if server.check_fails_at >= 0:
        return server.check_fails_at
    return server.check_at


def _handle(state: ClusterState, index: int, at: float, report: CheckReport) -> None:
    server, inter = state.servers[index], state.config.interval_ms
    if server.check_fails_at >= 0 and at == server.check_fails_at:
        server.check_fails_at = -1.0
        _result(state, index, False, at, report)
        return
    if server.host_up:
        server.check_at = at + inter
        _result(state, index, server.alive, at, report)
        return
    server.check_fails_at = at + inter  # the SYN goes unanswered until the check times out
    server.check_at = at + 2 * inter


def _result(state: ClusterState, index: int, passed: bool, at: float, report: CheckReport) -> None:
    server, cfg = state.servers[index], state.config
    was_up = server.health >= cfg.rise
    top = cfg.rise + cfg.fall - 1
    if passed and server.health < top:
        server.health += 1
        if server.health >= cfg.rise:
            server.health = top
    elif not passed and server.health > 0:
        server.health -= 1
        if server.health < cfg.rise:
            server.health = 0
    is_up = server.health >= cfg.rise
    if was_up and not is_up:
        haproxy.went_down(state, index)
        report.went_down.append((index, at))
    elif is_up and not was_up:
        haproxy.came_up(state, index)
        report.came_up.append((index, at))


def _settled(state: ClusterState, server: AppServer) -> bool:
    """More checks of the same outcome change nothing once the counter is at its end."""
    cfg = state.config
    if server.check_fails_at >= 0:
        return False
    if server.alive and server.host_up:
        return server.health == cfg.rise + cfg.fall - 1
    return server.health == 0


def _skip_to(state: ClusterState, server: AppServer, end: float) -> None:
    inter = state.config.interval_ms
    period = inter if server.host_up else 2 * inter
    if server.check_at < end:
        server.check_at += period * math.ceil((end - server.check_at) / period)
