"""Running the Slack app: Socket Mode (no public URL) or HTTP (replicas behind a balancer)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.health import Ready, add_health_routes
from bot.metrics import Metrics, add_route, metrics_endpoint
from bot.runtime import StartupError, running_tutor
from bot.settings import Settings
from bot.slack_app.actors import PLATFORM
from bot.slack_app.admins import AdminCheck, parse_admins
from bot.slack_app.app import build_app
from bot.slack_app.deliveries import SlackDeliverer
from bot.slack_app.responses import ResponseSender
from bot.slack_app.well_formed import well_formed
from engine.ports import Clock
from engine.scheduling.delivery import node_id
from engine.scheduling.sweeper import Sweeper
from engine.tutor import Tutor

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 3


def web_client(settings: Settings, token: str, metrics: Metrics | None = None) -> AsyncWebClient:
    """A Web API client at the configured address that waits and retries when Slack answers
    429 with Retry-After, as Slack asks; with `metrics`, every call is counted (its own
    aiohttp session, traced: close it with `close_client`)."""
    session = None
    if metrics is not None:
        session = aiohttp.ClientSession(trace_configs=[metrics.http_trace(PLATFORM)])
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url, session=session)
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


async def close_client(client: AsyncWebClient) -> None:
    if client.session is not None:
        await client.session.close()


def _secret(value: object, name: str, prefix: str, purpose: str) -> str:
    text = value.get_secret_value() if value is not None else ""  # type: ignore[attr-defined]
    if not text:
        raise StartupError(f"{name} is not set: {purpose} (see the README, Slack).")
    if prefix and not text.startswith(prefix):
        raise StartupError(f"{name} does not look right: it starts with {prefix}… ({purpose}).")
    return str(text)


def bot_token(settings: Settings) -> str:
    return _secret(
        settings.slack_bot_token,
        "SLACK_BOT_TOKEN",
        "xoxb-",
        "the app's Bot User OAuth Token, from OAuth & Permissions",
    )


async def check_bot_token(client: AsyncWebClient) -> str:
    """Ask Slack who we are before taking any request, so a wrong token stops start-up."""
    try:
        identity = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown error") if exc.response else "unknown error"
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({error}): check the token.") from exc
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        why = str(exc) or type(exc).__name__
        raise StartupError(
            f"cannot reach Slack at {client.base_url} ({why}); check the network."
        ) from exc
    return str(identity.get("team", "") or identity.get("team_id", ""))


async def check_app_token(client: AsyncWebClient, app_token: str) -> None:
    """Ask for a connection once before connecting: slack_sdk's own connect retries a refused
    token for ever, so a wrong token would hang start-up instead of stopping it."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        raise StartupError(
            "Slack refused SLACK_APP_TOKEN: check the app-level token (connections:write) "
            "and that Socket Mode is on."
        ) from exc


async def run_socket_mode(settings: Settings) -> None:
    token = bot_token(settings)
    app_token = _secret(
        settings.slack_app_token,
        "SLACK_APP_TOKEN",
        "xapp-",
        "an app-level token with connections:write, from Basic Information",
    )
    metrics = Metrics()
    async with running_tutor(settings, observer=metrics) as (tutor, clock):
        client = web_client(settings, token, metrics)
        team = await check_bot_token(client)
        # Socket Mode needs no signing secret: the connection itself is authenticated.
        responses = ResponseSender()
        app = build_app(tutor, clock, client, None, responses, admin_check(settings))
        await check_app_token(client, app_token)
        handler = AsyncSocketModeHandler(app, app_token=app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped upstream
        log.warning("Rungs is connected to Slack (%s) in Socket Mode", team)
        try:
            async with (
                metrics_endpoint(metrics, settings),
                sweeper_for(tutor, client, clock).running(),
            ):
                await _until_stopped()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]  # untyped upstream
            await responses.close()
            await close_client(client)


async def run_http(settings: Settings, host: str, port: int) -> None:
    token = bot_token(settings)
    secret = _secret(
        settings.slack_signing_secret,
        "SLACK_SIGNING_SECRET",
        "",
        "the Signing Secret, from Basic Information",
    )
    metrics = Metrics()
    async with running_tutor(settings, observer=metrics) as (tutor, clock):
        client = web_client(settings, token, metrics)
        team = await check_bot_token(client)
        responses = ResponseSender()
        app = build_app(tutor, clock, client, secret, responses, admin_check(settings))
        web_app = http_app(app.web_app(path=EVENTS_PATH), tutor.ready, secret)
        add_route(web_app, metrics, settings)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.warning("Rungs serves Slack (%s) on http://%s:%d%s", team, host, port, EVENTS_PATH)
        try:
            async with (
                metrics_endpoint(metrics, settings),
                sweeper_for(tutor, client, clock).running(),
            ):
                await _until_stopped()
        finally:
            await runner.cleanup()
            await responses.close()
            await close_client(client)


def sweeper_for(tutor: Tutor, client: AsyncWebClient, clock: Clock) -> Sweeper:
    """Posts reveals, daily drills and nudges as they fall due (every replica runs one; the
    store's claims make sure each job is posted once)."""
    return tutor.sweeper(PLATFORM, node_id(), SlackDeliverer(client, clock))


def admin_check(settings: Settings) -> AdminCheck:
    return AdminCheck(parse_admins(settings.slack_admins))


def http_app(
    web_app: web.Application, ready: Ready, signing_secret: str | None = None
) -> web.Application:
    """Bolt's own aiohttp server, plus health checks for the load balancer (bot/health.py);
    with the signing secret, malformed signed requests are refused with 400 before Bolt reads
    them."""
    if signing_secret is not None:
        web_app.middlewares.append(well_formed(EVENTS_PATH, signing_secret))
    add_health_routes(web_app, ready)
    return web_app


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every loop
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
