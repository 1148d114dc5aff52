"""The health endpoints of the HTTP modes (Slack's and Discord's replicas).

`GET /healthz` is readiness: 200 "ok" when the database answers within a couple of seconds,
503 when it does not, so a load balancer (or compose's health check) stops sending commands
to a replica that can only fail them, and sends them again once it recovers. `GET /livez` is
liveness: 200 whenever the process serves HTTP at all, for a supervisor that restarts dead
processes but should not restart one that merely waits for its database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

HEALTH_PATH = "/healthz"
LIVE_PATH = "/livez"
NOT_READY = "not ready: the database is not answering"

Ready = Callable[[], Awaitable[bool]]


def add_health_routes(app: web.Application, ready: Ready) -> None:
    async def readiness(_: web.Request) -> web.Response:
        if await ready():
            return web.Response(text="ok")
        return web.Response(status=503, text=NOT_READY)

    async def liveness(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get(HEALTH_PATH, readiness)
    app.router.add_get(LIVE_PATH, liveness)
