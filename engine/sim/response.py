"""The way back: the app server builds the response and the balancer delivers it."""

from __future__ import annotations

from engine.sim.latency import Latencies
from engine.sim.nodes import app_name
from engine.sim.request import Method
from engine.sim.state import ClusterState
from engine.sim.steps import Trace


def respond(
    state: ClusterState, trace: Trace, server: int, lat: Latencies, status: str, source: str
) -> None:
    name = app_name(server)
    slow = state.servers[server].slow_ms
    what = f"{status} {source}" if source else status
    if trace.request.method is Method.HEAD:
        # Frameworks answer HEAD by running the GET handler and dropping the body, so that the
        # headers (Content-Length among them) match: the work is a GET's, the bytes are not.
        text = (
            f"{name} builds the {what} headers: a HEAD response carries no body (the handler "
            "still runs, so the headers match a GET's)."
        )
    else:
        text = f"{name} builds {what} and serializes it."
    if slow:
        text += f" {name} is slow: +{slow:.0f} ms stuck behind slow report queries."
    trace.add(name, text, lat.app_cpu_ms + lat.serialize_ms + slow)
    trace.add(name, f"{name} → lb: the response goes back through the balancer.")
    trace.status = status
    total = trace.total_ms
    trace.add(
        "lb",
        f"lb → client: {status} delivered, {total:.1f} ms inside the cluster, about "
        f"{total + lat.client_rtt_ms:.0f} ms as {trace.user} sees it.",
    )
