"""Failures against the real programs: health-check windows, a server dead at start-up, retries
with and without redispatch, dead hosts against refused connections, nginx's passive checks.
See test_real_balancers.py for how the comparison works and why some of it is windows."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from harness import (
    HAPROXY,
    NGINX,
    DeadHost,
    backends,
    fire,
    get,
    haproxy,
    have,
    nginx,
    refusing_port,
    wait_until_down,
)
from sim_side import simulate

from engine.sim import faults
from engine.sim.clock import advance
from engine.sim.config import Balancer, ClusterConfig, LbAlgorithm
from engine.sim.lb.haproxy import is_up
from engine.sim.lb.haproxy_checks import CheckReport, run
from engine.sim.state import ClusterState

needs_haproxy = pytest.mark.skipif(
    not have(HAPROXY), reason=f"HAProxy is not installed ({HAPROXY}; apt-get install haproxy)"
)
needs_nginx = pytest.mark.skipif(
    not have(NGINX), reason=f"nginx is not installed ({NGINX}; apt-get install nginx-light)"
)

H, N = Balancer.HAPROXY, Balancer.NGINX
INTER = 0.2
LATE = 0.25  # how much later than the model a loaded machine may answer (never earlier)
CHECKS = f"check inter {int(INTER * 1000)} fall 3 rise 2"
FAST = ClusterConfig(interval=INTER)


def servers(ports: list[int], opts: str = "") -> str:
    return "\n".join(f"    server s{i} 127.0.0.1:{p} {opts}".rstrip() for i, p in enumerate(ports))


def every(gap: float, count: int, start: float = 0.0) -> list[tuple[float, str]]:
    return [(start + k * gap, f"/u/{k}") for k in range(count)]


def down_after_kill(state: ClusterState, server: int, kill_at: float, host: bool) -> float:
    """In the model: seconds from the kill until the checks mark `server` DOWN."""
    faults.kill(state, f"app-{server}", "host" if host else "process")
    report = CheckReport()
    run(state, state.now_ms + 10_000, report)
    (index, at), *_ = report.went_down
    assert index == server
    return at / 1000 - kill_at


# --- HAProxy's health checks ---------------------------------------------------------------------


@needs_haproxy
async def test_haproxy_a_server_dead_at_start_up_goes_down_after_one_check(
    tmp_path: Path,
) -> None:
    async with backends(("b0", 0.0), ("b2", 0.0)) as bs:
        ports = [bs[0].port, refusing_port(), bs[1].port]
        lines = "    balance roundrobin\n    option log-health-checks\n" + servers(ports, CHECKS)
        with haproxy(tmp_path, lines, []) as proxy:
            await wait_until_down(proxy, "s1")
            await asyncio.sleep(2 * INTER)
            log = proxy.log()
    failures = [line for line in log.splitlines() if "server be/s1 failed" in line]
    assert "status: 0/2 DOWN" in failures[0]  # the very first failed check
    _, state = simulate(
        ClusterConfig(balancer=H, interval=INTER), [], [(0.0, lambda s: faults.kill(s, "app-1"))]
    )
    assert is_up(state, 1)
    run(state, INTER * 1000, CheckReport())  # one interval: app-1's first check
    assert not is_up(state, 1)


@needs_haproxy
@pytest.mark.parametrize("host", [False, True], ids=["refused", "dead-host"])
async def test_haproxy_health_check_window_after_a_crash(tmp_path: Path, host: bool) -> None:
    """A server UP at full health goes DOWN after `fall` failed checks: 2 to 3 intervals after
    a crash when the port refuses, 5 to 6 when the host is dead (each check then times out after
    `inter`, and the next starts `inter` later). Requests in the window still reach it and,
    with option redispatch, are answered by another server."""
    async with backends(("b0", 0.0), ("b1", 0.0), ("b2", 0.0)) as bs:
        lines = "    balance roundrobin\n    option redispatch\n    timeout connect 1s\n"
        with haproxy(tmp_path, lines + servers([b.port for b in bs], CHECKS), []) as proxy:
            await asyncio.sleep(4 * INTER)  # every server checked: full health
            await bs[1].stop()
            dead = DeadHost(bs[1].port) if host else None
            killed = time.monotonic()
            window = asyncio.create_task(fire(proxy.port, every(0.05, 6)))
            real_down = await wait_until_down(proxy, "s1") - killed
            answers = await window
            if dead is not None:
                dead.close()
    lo, hi = (5, 6) if host else (2, 3)
    # HAProxy's timers and the polling run late on a loaded machine, never early: the margin
    # above the window is wider than below it, and the two windows still do not overlap.
    assert lo * INTER - 0.05 < real_down < hi * INTER + 0.3, real_down
    assert {a.status for a in answers} == {200}
    _, state = simulate(ClusterConfig(balancer=H, interval=INTER), [])
    advance(state, 4 * INTER * 1000 + 30)
    sim_down = down_after_kill(state, 1, state.now_ms / 1000, host)
    assert lo * INTER < sim_down <= hi * INTER, sim_down


# --- HAProxy's retries ---------------------------------------------------------------------------

RETRY_CASES = [
    # (algorithm, redispatch, statuses of the 4 requests, backends)
    ("roundrobin", True, [200, 200, 200, 200], ["b0", "b2", "b0", "b2"]),
    ("roundrobin", False, [200, 503, 200, 200], ["b0", "", "b2", "b0"]),
    ("leastconn", True, [200, 200, 200, 200], ["b0", "b2", "b0", "b2"]),
]


@needs_haproxy
@pytest.mark.parametrize(("algo", "redispatch", "statuses", "served"), RETRY_CASES)
async def test_haproxy_retries_with_and_without_redispatch(
    tmp_path: Path, algo: str, redispatch: bool, statuses: list[int], served: list[str]
) -> None:
    """No health checks here, so only retries act: s1 refuses. Without option redispatch HAProxy
    retries s1 three times, 100 ms apart (min of timeout connect and 1 s), then answers 503; with
    it, the first retry goes to another server at once, for leastconn as for roundrobin (HAProxy
    2.6.0 still paused for leastconn; commit 406efb96d, in 2.6.12, stopped that)."""
    async with backends(("b0", 0.0), ("b2", 0.0)) as bs:
        ports = [bs[0].port, refusing_port(), bs[1].port]
        head = f"    balance {algo}\n    retries 3\n    timeout connect 100ms\n"
        head += "    option redispatch\n" if redispatch else ""
        with haproxy(tmp_path, head + servers(ports), []) as proxy:
            real = await fire(proxy.port, every(0.35, 4))
    lb = LbAlgorithm.ROUND_ROBIN if algo == "roundrobin" else LbAlgorithm.LEAST_CONNECTIONS
    config = ClusterConfig(
        balancer=H, lb=lb, interval=60, redispatch=redispatch, connect_timeout=100
    )
    sim, _ = simulate(config, every(0.35, 4), [(0.0, lambda s: faults.kill(s, "app-1"))])
    assert [a.status for a in real] == [a.status for a in sim] == statuses
    assert [a.backend for a in real] == [a.backend for a in sim] == served
    for r, s in zip(real, sim, strict=True):
        assert s.seconds - 0.03 < r.seconds < s.seconds + LATE, (r, s)  # the same pauses


@needs_haproxy
@pytest.mark.parametrize("redispatch", [True, False])
async def test_haproxy_a_dead_host_costs_the_connect_timeout(
    tmp_path: Path, redispatch: bool
) -> None:
    """A dead host answers nothing: each attempt waits out timeout connect (200 ms). With
    redispatch the first retry goes elsewhere; without, four attempts then 503."""
    async with backends(("b0", 0.0), ("b2", 0.0)) as bs:
        dead = DeadHost()
        ports = [bs[0].port, dead.port, bs[1].port]
        head = "    balance roundrobin\n    retries 3\n    timeout connect 200ms\n"
        head += "    option redispatch\n" if redispatch else ""
        with haproxy(tmp_path, head + servers(ports), []) as proxy:
            real = [await get(proxy.port, f"/u/{k}") for k in range(2)]
        dead.close()
    config = ClusterConfig(balancer=H, interval=60, redispatch=redispatch, connect_timeout=200)
    sim, _ = simulate(config, every(1.0, 2), [(0.0, lambda s: faults.kill(s, "app-1", "host"))])
    assert [a.status for a in real] == [a.status for a in sim]
    assert sim[1].seconds - 0.03 < real[1].seconds < sim[1].seconds + LATE, (real[1], sim[1])
    assert sim[1].seconds == pytest.approx(0.2 if redispatch else 0.8, abs=0.01)


# --- nginx's passive checks ----------------------------------------------------------------------


@needs_nginx
async def test_nginx_passive_checks_skip_a_failed_server_for_fail_timeout(
    tmp_path: Path,
) -> None:
    """max_fails=1 fail_timeout=1s: the request that finds s1 dead goes on to the next server,
    and s1 is left out until the window has passed (whole seconds: 1 to 2 s after the failure),
    then one request tries it again. No request lands in the uncertain second."""
    schedule = [*every(0.1, 6), *every(0.1, 6, start=2.6)]
    for _ in range(3):
        async with backends(("b0", 0.0), ("b2", 0.0)) as bs:
            ports = [bs[0].port, refusing_port(), bs[1].port]
            names = [f"127.0.0.1:{port} max_fails=1 fail_timeout=1s" for port in ports]
            with nginx(tmp_path, "", names) as proxy:
                real = await fire(proxy.port, schedule)
        failed_at = real[1].started  # the request that found s1 dead
        first, second = real[:6], real[6:]
        if (
            max(a.started + a.seconds for a in first) - failed_at < 0.9
            and min(a.started for a in second) - failed_at > 2.1
        ):
            break  # no request fell in the uncertain second
    else:
        pytest.skip(
            "the machine is too loaded to keep the requests out of nginx's uncertain "
            "second after the failure"
        )
    config = ClusterConfig(balancer=N, max_fails=1, fail_timeout=1)
    # The model's seconds tick at t = 0, 1, 2 … from its start; start the stream 0.05 s after a
    # tick, as the real stream starts at some fraction of nginx's second: the windows above hold.
    shifted = [(t + 0.05, p) for t, p in schedule]
    sim, _ = simulate(config, shifted, [(0.0, lambda s: faults.kill(s, "app-1"))])
    assert [a.status for a in real] == [a.status for a in sim] == [200] * 12
    assert [a.backend for a in real] == [a.backend for a in sim]
    assert "b1" not in {a.backend for a in real}


@needs_nginx
@pytest.mark.parametrize("host", [False, True], ids=["refused", "dead-host"])
async def test_nginx_next_upstream_and_all_servers_failed(tmp_path: Path, host: bool) -> None:
    """With every server dead: each request tries each server once, then 502 (refused) or 504
    (timed out); the next request finds no live upstream and gets 502 at once."""
    deads = [DeadHost() for _ in range(2)] if host else []
    ports = [d.port for d in deads] if host else [refusing_port(), refusing_port()]
    names = [f"127.0.0.1:{p} max_fails=1 fail_timeout=5s" for p in ports]
    with nginx(tmp_path, "", names, "            proxy_connect_timeout 200ms;") as proxy:
        real = [await get(proxy.port, "/u/1"), await get(proxy.port, "/u/2")]
    for dead in deads:
        dead.close()
    config = ClusterConfig(balancer=N, servers=2, connect_timeout=200, fail_timeout=5)
    mode = "host" if host else "process"
    kills = [(0.0, lambda s: [faults.kill(s, f"app-{i}", mode) for i in (0, 1)])]
    sim, _ = simulate(config, [(0.0, "/u/1"), (1.0, "/u/2")], kills)
    assert [a.status for a in real] == [a.status for a in sim] == [504 if host else 502, 502]
    assert sim[0].seconds - 0.03 < real[0].seconds < sim[0].seconds + LATE
    assert real[1].seconds < LATE  # no live upstreams: at once


@needs_haproxy
async def test_haproxy_a_cookie_pinned_to_a_dead_server_waits_then_moves(tmp_path: Path) -> None:
    """With `cookie SERVERID insert` the cookie sets HAProxy's direct flag, so retries stay on
    the dead server (with the turn-around pause) and only the last one is redispatched: a
    sticky user waits out two pauses and lands on a server that never had their session."""
    async with backends(("b0", 0.0), ("b2", 0.0)) as bs:
        ports = [bs[0].port, refusing_port(), bs[1].port]
        head = (
            "    balance roundrobin\n    retries 3\n    option redispatch\n"
            "    timeout connect 100ms\n    cookie SERVERID insert indirect nocache\n"
        )
        lines = "\n".join(f"    server s{i} 127.0.0.1:{p} cookie s{i}" for i, p in enumerate(ports))
        with haproxy(tmp_path, head + lines, []) as proxy:
            real = await get(proxy.port, "/u/1", headers="Cookie: SERVERID=s1\r\n")

    def pin_then_kill(state: ClusterState) -> None:
        state.sticky["t"] = 1
        state.servers[1].sessions.append("t")
        faults.kill(state, "app-1")

    config = ClusterConfig(balancer=H, interval=60, sticky=True, connect_timeout=100)
    sim, _ = simulate(config, [(0.0, "/u/1")], [(0.0, pin_then_kill)])
    assert real.status == 200  # the backend knows no sessions; the app would answer 401
    assert real.backend in {"b0", "b2"}
    assert sim[0].status == 401  # in the model the session is gone, so the app answers 401
    assert sim[0].seconds - 0.03 < real.seconds < sim[0].seconds + LATE, (real, sim[0])
    assert sim[0].seconds == pytest.approx(0.2, abs=0.01)  # two 100 ms pauses
