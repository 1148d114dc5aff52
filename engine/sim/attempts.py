"""Connecting to the chosen server, and what each balancer does when it cannot.

- HAProxy 2.6 (back_handle_st_cer in src/backend.c, stream_choose_redispatch in stream.h, with
  commit 406efb96d, in 2.6.x since late 2022): `retries` more attempts, on the same server
  unless `option redispatch` moves one. With an algorithm that is not a hash (roundrobin,
  leastconn), no persistence cookie and more than one server UP, every retry goes elsewhere at
  once; with a hash or a cookie only the last retry does. Before a retry on the same server
  after a refused connection it waits min(timeout connect, 1 s). When the attempts run out,
  503 Service Unavailable.
- nginx 1.22 (ngx_http_upstream_next): a failed connection counts against the server's
  max_fails and the request goes to the next server (`proxy_next_upstream error timeout`), at
  most once per server; then 502 Bad Gateway, or 504 Gateway Timeout if the last one timed out.

A refused connection (the host answers with a reset: no process listens) costs one round trip;
a dead host answers nothing, so the balancer waits for its connect timeout.
"""

from __future__ import annotations

from typing import NoReturn

from engine.sim import lb
from engine.sim.config import Balancer, LbAlgorithm
from engine.sim.latency import Latencies
from engine.sim.lb import haproxy, nginx
from engine.sim.lb.haproxy_checks import next_change
from engine.sim.lb.names import directive, why
from engine.sim.nodes import app_name
from engine.sim.state import ClusterState
from engine.sim.steps import RequestFailed, Trace

RETRY_PAUSE_CAP_MS = 1_000  # HAProxy's turn-around timer: min(timeout connect, 1 s)


def connect_haproxy(
    state: ClusterState, trace: Trace, pick: lb.Pick, server: int, direct: bool, lat: Latencies
) -> int:
    cfg, retried = state.config, 0
    while not state.servers[server].alive:
        refused = _connection_failed(state, trace, server, lat, first=not retried)
        if cfg.lb is LbAlgorithm.LEAST_CONNECTIONS:
            haproxy.touch_load(state, server)  # taken, then released: it goes behind its peers
        if retried >= cfg.retries:
            _haproxy_gives_up(state, trace, retried)
        retried += 1
        redispatch = cfg.redispatch and _redispatches(state, server, retried, direct)
        pause = refused and (not redispatch or _up_count(state) <= 1)
        pause_ms = min(cfg.connect_timeout_ms, RETRY_PAUSE_CAP_MS) if pause else 0
        text_moves = (redispatch, direct)
        if redispatch:
            pick.avoid, direct = server, False
            again = lb.choose(state, pick)
            server = server if again is None else again
        trace.add("lb", _retry_text(state, pick, server, retried, text_moves, pause_ms), pause_ms)
    return server


def connect_nginx(
    state: ClusterState, trace: Trace, pick: lb.Pick, server: int, lat: Latencies
) -> int:
    while not state.servers[server].alive:
        refused = _connection_failed(state, trace, server, lat, first=len(pick.nginx.tried) < 2)
        nginx.failed(state, server)
        trace.add("lb", _passive_text(state, server))
        if len(pick.nginx.tried) >= len(state.servers):
            _nginx_gives_up(trace, refused, tried_all=True)
        dead = server
        again = _choose_again(state, pick)
        if again is None:
            _nginx_gives_up(trace, refused, tried_all=False)
        server = again
        trace.add(
            "lb",
            f"nginx passes the request to the next upstream, app server {server} "
            f"({why(state, server, pick.key)}): the connection to {app_name(dead)} never "
            "carried the request, so even a POST may go on (proxy_next_upstream error timeout).",
            lat.lb_l7_ms,
        )
    return server


def _choose_again(state: ClusterState, pick: lb.Pick) -> int | None:
    if state.config.sticky:
        return nginx.consistent(state, pick.key, pick.nginx)
    return lb.choose(state, pick)


def _connection_failed(
    state: ClusterState, trace: Trace, server: int, lat: Latencies, *, first: bool
) -> bool:
    """One failed connection attempt, as the trace shows it; True if it was refused."""
    name, cfg = app_name(server), state.config
    window = _window(state, server) if first else ""
    if state.servers[server].host_up:
        trace.add(
            name,
            f"{name} refuses the connection: its machine is up but no process listens on the "
            f"port, so the kernel answers the SYN with a reset (one round trip). {window}".rstrip(),
            lat.network_rtt_ms,
        )
        return True
    timeout = cfg.connect_timeout_ms
    setting = "timeout connect" if cfg.balancer is Balancer.HAPROXY else "proxy_connect_timeout"
    trace.add(
        name,
        f"{name} does not answer at all: its host is down, so the SYN goes unanswered and the "
        f"balancer waits out its {setting} of {timeout / 1000:g} s. {window}".rstrip(),
        float(timeout),
    )
    return False


def _window(state: ClusterState, server: int) -> str:
    """Why the balancer still sent traffic there."""
    if state.config.balancer is Balancer.NGINX:
        return (
            "Open-source nginx has no active health checks: it learns a server is dead only "
            "when a request to it fails."
        )
    change = next_change(state, server)
    if change is None:
        return "HAProxy's health checks have not caught up with it yet."
    return (
        "HAProxy still has it UP: its health checks have not failed enough yet (it will be "
        f"marked DOWN in about {(change - state.now_ms) / 1000:.1f} s)."
    )


def _redispatches(state: ClusterState, server: int, retried: int, direct: bool) -> bool:
    """stream_choose_redispatch with redispatch_after -1: a DOWN server, the last retry, or any
    retry of a request neither hashed nor pinned by a cookie, when another server is UP."""
    cfg = state.config
    if not haproxy.is_up(state, server) or retried % cfg.retries == 0:
        return True
    hashed = cfg.lb is LbAlgorithm.CONSISTENT_HASH
    return not direct and not hashed and _up_count(state) > 1


def _up_count(state: ClusterState) -> int:
    return len(haproxy.up_servers(state))


def _retry_text(
    state: ClusterState,
    pick: lb.Pick,
    server: int,
    retried: int,
    moves: tuple[bool, bool],
    pause: int,
) -> str:
    """`moves`: (redispatched this time, a persistence cookie chose the server)."""
    redispatch, direct = moves
    cfg = state.config
    when = (
        f"after a {pause / 1000:g} s pause, HAProxy's turn-around timer before a retry on the same "
        "server (the lesser of timeout connect and 1 s)"
        if pause
        else "at once"
    )
    what = f"retry {retried} of {cfg.retries}"
    if redispatch:
        return (
            f"lb retries on app server {server} {when}: {what}, and option redispatch lets it "
            f"pick another server ({why(state, server, pick.key)}). The connection never "
            "carried the request, so resending is safe, even for a POST."
        )
    if not cfg.redispatch:
        reason = "without option redispatch every retry stays on the same server"
    elif direct:
        reason = "a persistence cookie chose this server, so only the last retry may go elsewhere"
    else:
        reason = f"with {directive(cfg)} only the last retry is redispatched"
    return f"lb retries app server {server} {when}: {what}; {reason}."


def _haproxy_gives_up(state: ClusterState, trace: Trace, retried: int) -> NoReturn:
    trace.status = "503 Service Unavailable"
    hint = ""
    if not state.config.redispatch and state.config.retries:
        hint = (
            " With option redispatch (/cluster set redispatch=on) the last retry would have "
            "gone to another server."
        )
    trace.add(
        "lb",
        f"lb → client: the first attempt and {retried} retries failed, so HAProxy gives up and "
        f"answers 503 Service Unavailable after {trace.total_ms / 1000:.1f} s.{hint}",
    )
    raise RequestFailed


def _passive_text(state: ClusterState, server: int) -> str:
    cfg, fails = state.config, state.servers[server].peer[nginx.FAILS]
    if len(state.servers) == 1:
        return "nginx logs the failure; with a single server, max_fails does not apply."
    counted = f"{fails} failure{'s' if fails > 1 else ''}, max_fails={cfg.max_fails}"
    if cfg.max_fails and fails >= cfg.max_fails:
        return (
            f"nginx counts a failure for {app_name(server)} ({counted}): it leaves "
            f"{app_name(server)} out for the next fail_timeout={cfg.fail_timeout}s, then lets "
            "one request try it again."
        )
    return (
        f"nginx counts a failure for {app_name(server)} ({counted} within "
        f"fail_timeout={cfg.fail_timeout}s)."
    )


def _nginx_gives_up(trace: Trace, refused: bool, *, tried_all: bool) -> NoReturn:
    if tried_all:  # the last failure decides: an error gives 502, a timeout 504
        status = "502 Bad Gateway" if refused else "504 Gateway Timeout"
        text = "every server has been tried once"
    else:
        status = "502 Bad Gateway"
        text = "no server is left that has not failed within fail_timeout ('no live upstreams')"
    trace.status = status
    trace.add("lb", f"lb → client: {text}, so nginx answers {status}.")
    raise RequestFailed
