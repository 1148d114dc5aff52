"""Prometheus metrics for the long-running modes (the Discord bot, the Slack app), on the
`prometheus-client` library; never imported by the console, whose start-up stays light.

`Metrics` is an `engine.observer.Observer`: the Tutor and the sweeper report commands and jobs
to it, one call per place. Platform API calls are counted by `Metrics.http_trace(platform)`, an
aiohttp trace config that discord.py (`Client(http_trace=...)`) and slack_sdk (through the
aiohttp session it is given) both accept: every request's status, 429s apart, and its time.

The text format is served at `/metrics`: beside the Slack events (or Discord interactions) on
the HTTP modes' own port, or, when RUNGS_METRICS_PORT is set, on that port alone, in every mode
(`metrics_endpoint`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace

import aiohttp
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from bot.settings import Settings
from engine.observer import CommandOutcome, DeferredSave, JobOutcome

METRICS_PATH = "/metrics"
# Commands take a millisecond or two on SQLite, more on a distant PostgreSQL; past 3 s an
# interaction has missed Discord's deadline.
COMMAND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LATENESS_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0, 86400.0)
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Every metric of one process, in a registry of its own (so tests do not share one)."""

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry()
        if process:  # CPU, memory, open files, collector pauses: what every exporter shows
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)
        r = self.registry
        self._commands = Counter(
            "rungs_commands", "Commands handled", ["platform", "command", "outcome"], registry=r
        )
        self._command_seconds = Histogram(
            "rungs_command_duration_seconds",
            "Time from a command's arrival at the Tutor to its reply",
            ["platform", "command"],
            buckets=COMMAND_BUCKETS,
            registry=r,
        )
        self._deferred_saves = Counter(
            "rungs_deferred_saves",
            "Saves made after their replies, by how they ended (saved, conflict, failed)",
            ["platform", "outcome"],
            registry=r,
        )
        self._job_metrics(r)
        self._platform_metrics(r)

    def _job_metrics(self, r: CollectorRegistry) -> None:
        self._jobs_due = Gauge(
            "rungs_jobs_due", "Jobs due and undelivered at the last sweep", ["platform"], registry=r
        )
        self._jobs_claimed = Counter(
            "rungs_jobs_claimed", "Jobs claimed for delivery", ["platform", "kind"], registry=r
        )
        self._jobs_late = Counter(
            "rungs_jobs_late",
            "Jobs claimed later than the sweeper's grace after their due time",
            ["platform", "kind"],
            registry=r,
        )
        self._job_lateness = Histogram(
            "rungs_job_lateness_seconds",
            "How long after its due time a job was claimed",
            ["platform"],
            buckets=LATENESS_BUCKETS,
            registry=r,
        )
        self._jobs_finished = Counter(
            "rungs_jobs_finished",
            "Claimed jobs by how they ended (delivered, failed, dropped, lost, skipped)",
            ["platform", "kind", "outcome"],
            registry=r,
        )

    def _platform_metrics(self, r: CollectorRegistry) -> None:
        self._requests = Counter(
            "rungs_platform_requests",
            "Platform API requests by status class (2xx, 4xx, 429, 5xx; error: no answer)",
            ["platform", "status"],
            registry=r,
        )
        self._api_errors = Counter(
            "rungs_platform_api_errors",
            "Platform API requests that failed: refused, rate limited, server error, no answer",
            ["platform", "reason"],
            registry=r,
        )
        self._request_seconds = Histogram(
            "rungs_platform_request_duration_seconds",
            "Platform API request time, to the response's headers",
            ["platform"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )

    # --- engine.observer.Observer ---

    def command_handled(
        self, platform: str, command: str, outcome: CommandOutcome, seconds: float
    ) -> None:
        self._commands.labels(platform, command, outcome).inc()
        self._command_seconds.labels(platform, command).observe(seconds)

    def jobs_due(self, platform: str, count: int) -> None:
        self._jobs_due.labels(platform).set(count)

    def job_claimed(self, platform: str, kind: str, late_by_s: float, *, late: bool) -> None:
        self._jobs_claimed.labels(platform, kind).inc()
        self._job_lateness.labels(platform).observe(max(late_by_s, 0.0))
        if late:
            self._jobs_late.labels(platform, kind).inc()

    def job_finished(self, platform: str, kind: str, outcome: JobOutcome) -> None:
        self._jobs_finished.labels(platform, kind, outcome).inc()

    def deferred_save(self, platform: str, outcome: DeferredSave) -> None:
        self._deferred_saves.labels(platform, outcome).inc()

    # --- platform API calls ---

    def platform_response(self, platform: str, status: int, seconds: float) -> None:
        """One answered request (whoever made it)."""
        self._requests.labels(platform, status_class(status)).inc()
        self._request_seconds.labels(platform).observe(seconds)
        reason = error_reason(status)
        if reason is not None:
            self._api_errors.labels(platform, reason).inc()

    def platform_unanswered(self, platform: str) -> None:
        """A request that got no answer: refused connection, timeout, reset."""
        self._requests.labels(platform, "error").inc()
        self._api_errors.labels(platform, "no_answer").inc()

    def http_trace(self, platform: str) -> aiohttp.TraceConfig:
        """Counts every request of the aiohttp session it is given to, by `platform`."""
        trace = aiohttp.TraceConfig()

        async def started(_: object, context: SimpleNamespace, __: object) -> None:
            context.rungs_started = time.perf_counter()

        async def ended(
            _: object, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
        ) -> None:
            elapsed = time.perf_counter() - context.rungs_started
            self.platform_response(platform, params.response.status, elapsed)

        async def failed(_: object, __: object, ___: object) -> None:
            self.platform_unanswered(platform)

        trace.on_request_start.append(started)
        trace.on_request_end.append(ended)
        trace.on_request_exception.append(failed)
        return trace

    # --- the endpoint ---

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The metrics in the format the scraper's Accept header asks for (the classic text
        format unless it asks for OpenMetrics), and its content type."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type

    async def handle(self, request: web.Request) -> web.Response:
        """The aiohttp handler of `/metrics`."""
        body, content_type = self.exposition(request.headers.get("Accept", ""))
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response


def status_class(status: int) -> str:
    return "429" if status == 429 else f"{status // 100}xx"


def error_reason(status: int) -> str | None:
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "refused"
    return None


def add_route(app: web.Application, metrics: Metrics, settings: Settings) -> None:
    """HTTP modes: `/metrics` on the app's own port, unless RUNGS_METRICS_PORT gives it one of
    its own (to keep it off a public port). Call before the app's runner is set up."""
    if settings.metrics_port is None:
        app.router.add_get(METRICS_PATH, metrics.handle)


@asynccontextmanager
async def metrics_endpoint(metrics: Metrics, settings: Settings) -> AsyncIterator[int | None]:
    """Serve `/metrics` on RUNGS_METRICS_PORT for as long as the block runs (every mode);
    yields the port, or None when no port is set."""
    if settings.metrics_port is None:
        yield None
        return
    async with serving(metrics, settings.metrics_host, settings.metrics_port) as port:
        yield port


@asynccontextmanager
async def serving(metrics: Metrics, host: str, port: int) -> AsyncIterator[int]:
    """A small aiohttp server with `/metrics` alone; yields the port it listens on (useful with
    port 0 in tests)."""
    app = web.Application()
    app.router.add_get(METRICS_PATH, metrics.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()
