"""`rungs discord --http`: Discord's interactions endpoint instead of a gateway connection, so
that the bot runs as stateless replicas behind a load balancer, as Slack's HTTP mode does.

Discord POSTs each interaction, signed (signature.py), to `POST /discord/interactions`; a PING
is answered with PONG; anything else goes through the gateway client's own handler path
(`RungsDiscord.answer`: JSON in through incoming.py, JSON out through wire.py), whose first
callback becomes the HTTP response (http_response.py) and whose follow-ups go to the webhook
REST API. The bot logs in over REST, without a gateway session, so its sweeper posts reveals,
daily drills and nudges as in gateway mode. `GET /healthz` is for the load balancer and
`/metrics` for Prometheus (or RUNGS_METRICS_PORT).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import discord
from aiohttp import web

from bot.discord_app.client import RungsDiscord
from bot.discord_app.http_response import InitialResponse, expect
from bot.discord_app.run import point_at, token_of, unreachable
from bot.discord_app.signature import PublicKeyError, Verifier
from bot.health import Ready, add_health_routes
from bot.metrics import Metrics, add_route, metrics_endpoint
from bot.runtime import StartupError, running_tutor
from bot.settings import Settings

log = logging.getLogger(__name__)

INTERACTIONS_PATH = "/discord/interactions"
PING, PONG = 1, 1
RESPONSE_DEADLINE_S = 3.0  # Discord's: past this it gives up on the request
MAX_BODY = 1 << 20  # interactions are small; a megabyte is far more than any


class InteractionsEndpoint:
    """The aiohttp handler of the endpoint: verify, then answer through the client."""

    def __init__(
        self,
        client: RungsDiscord,
        verifier: Verifier,
        first_sighting: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        self._client = client
        self._verifier = verifier
        # The store's memory of requests (Tutor.first_sighting), shared by the replicas: the
        # verifier remembers only what this process saw.
        self._first_sighting = first_sighting
        self._answering: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        refusal = self._verifier.check(
            request.headers.get("X-Signature-Ed25519"),
            request.headers.get("X-Signature-Timestamp"),
            body,
        )
        if refusal is not None:
            log.info("refused an interaction request: %s", refusal.reason)
            return web.json_response({"error": refusal.reason}, status=401)
        try:
            payload = json.loads(body)
            kind, interaction_id = int(payload["type"]), int(payload.get("id", 0))
        # Not JSON (or nested deeper than the parser goes), or not an object with a type.
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return web.json_response({"error": "not an interaction"}, status=400)
        if kind == PING:
            return web.json_response({"type": PONG})
        if not await self._new_here_and_elsewhere(interaction_id):
            log.info("refused an interaction request: replayed request (seen by a replica)")
            return web.json_response({"error": "replayed request"}, status=401)
        return await self._answer(request, payload, interaction_id)

    async def _new_here_and_elsewhere(self, interaction_id: int) -> bool:
        """Whether no replica has seen this interaction (Discord gives each a new id)."""
        if self._first_sighting is None or not interaction_id:
            return True
        try:
            return await self._first_sighting(f"discord:interaction:{interaction_id}")
        except Exception:  # the store is busy or gone: handling twice beats not at all
            log.exception("could not check whether interaction %s was seen", interaction_id)
            return True

    async def _answer(
        self, request: web.Request, payload: dict[str, Any], interaction_id: int
    ) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        pending = InitialResponse(interaction_id, loop.create_future())
        context = contextvars.copy_context()
        context.run(expect, pending)
        task = loop.create_task(self._client.answer(payload), context=context)
        self._answering.add(task)  # it goes on after the response: follow-ups, saves
        task.add_done_callback(self._answering.discard)
        try:
            watched: list[asyncio.Future[Any]] = [pending.body, task]
            await asyncio.wait(watched, timeout=RESPONSE_DEADLINE_S, return_when="FIRST_COMPLETED")
            if not pending.body.done():
                log.warning("interaction %s had no response in time", interaction_id)
                return web.json_response({"error": "no response"}, status=500)
            response = web.json_response(pending.body.result())
            await response.prepare(request)
            await response.write_eof()
            pending.delivered = True
            return response
        finally:
            pending.written.set()

    async def drain(self) -> None:
        """Let the interactions in hand finish (their follow-ups and saves) before closing."""
        if self._answering:
            await asyncio.wait(set(self._answering), timeout=RESPONSE_DEADLINE_S * 5)


def verifier_for(settings: Settings) -> Verifier:
    if not settings.discord_public_key:
        raise StartupError(
            "DISCORD_PUBLIC_KEY is not set: HTTP mode checks every request against the "
            "application's Public Key (developer portal, General Information)."
        )
    try:
        return Verifier(settings.discord_public_key)
    except PublicKeyError as exc:
        raise StartupError(str(exc)) from exc


def interactions_app(endpoint: InteractionsEndpoint, ready: Ready) -> web.Application:
    """The endpoint, and health checks for the load balancer (bot/health.py)."""
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(INTERACTIONS_PATH, endpoint.handle)
    add_health_routes(app, ready)
    return app


async def run_http(settings: Settings, host: str, port: int) -> None:
    token = token_of(settings)
    verifier = verifier_for(settings)
    point_at(settings)
    metrics = Metrics()
    async with running_tutor(settings, observer=metrics) as (tutor, clock):
        client = RungsDiscord(tutor, clock, http_trace=metrics.http_trace("discord"))
        try:
            await client.login(token)  # over REST; setup_hook starts the sweeper
        except discord.LoginFailure as exc:
            await client.close()
            raise StartupError("Discord refused DISCORD_TOKEN: check the bot's token.") from exc
        except (aiohttp.ClientConnectionError, TimeoutError) as exc:
            await client.close()
            raise StartupError(unreachable(settings, exc)) from exc
        endpoint = InteractionsEndpoint(client, verifier, tutor.first_sighting)
        app = interactions_app(endpoint, tutor.ready)
        add_route(app, metrics, settings)
        runner = web.AppRunner(app, access_log=None)
        try:
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            log.warning("Rungs serves Discord interactions on http://%s:%d%s", host, port,
                        INTERACTIONS_PATH)  # fmt: skip
            async with metrics_endpoint(metrics, settings):
                await _until_stopped()
        finally:
            await runner.cleanup()  # no new requests; then what is in hand
            await endpoint.drain()
            await client.close()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every loop
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
