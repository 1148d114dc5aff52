"""The Prometheus metrics: what the observer calls and the platform-call trace record, read back
by scraping the real endpoint over HTTP and parsing it with prometheus-client's own parser."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

pytest.importorskip("prometheus_client", reason="prometheus-client (slack or discord extra)")
pytest.importorskip("aiohttp", reason="aiohttp (slack or discord extra)")

from aiohttp import ClientConnectionError, ClientSession, web
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics, add_route, metrics_endpoint, serving
from bot.settings import Settings
from engine.commands.incoming import Typed
from engine.content.loader import Content
from engine.observer import NO_OBSERVER, Observer
from engine.ports import FixedClock
from engine.scheduling import Delivery
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(url: str) -> tuple[str, Samples]:
    async with ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        text = await response.text()
        content_type = response.headers["Content-Type"]
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return content_type, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def endpoint() -> AsyncIterator[tuple[Metrics, str]]:
    metrics = Metrics()
    async with serving(metrics, "127.0.0.1", 0) as port:
        yield metrics, f"http://127.0.0.1:{port}/metrics"


async def test_commands_and_jobs_are_counted_and_scraped(endpoint: tuple[Metrics, str]) -> None:
    metrics, url = endpoint
    observer: Observer = metrics  # what the Tutor and the sweeper are given
    observer.command_handled("slack", "trace", "ok", 0.002)
    observer.command_handled("slack", "trace", "ok", 0.030)
    observer.command_handled("slack", "answer", "refused", 0.001)
    observer.command_handled("discord", "reveal", "failed", 4.0)
    observer.jobs_due("slack", 7)
    observer.job_claimed("slack", "challenge_reveal", 0.4, late=False)
    observer.job_claimed("slack", "daily_drill", 90.0, late=True)
    observer.job_finished("slack", "challenge_reveal", "delivered")
    observer.job_finished("slack", "daily_drill", "failed")

    content_type, samples = await scrape(url)

    assert content_type.startswith("text/plain; version=0.0.4")
    ok = {"platform": "slack", "command": "trace", "outcome": "ok"}
    assert value(samples, "rungs_commands_total", **ok) == 2
    assert value(samples, "rungs_commands_total", platform="slack", command="answer",
                 outcome="refused") == 1  # fmt: skip
    trace = {"platform": "slack", "command": "trace"}
    assert value(samples, "rungs_command_duration_seconds_count", **trace) == 2
    assert value(samples, "rungs_command_duration_seconds_bucket", **trace, le="0.0025") == 1
    assert value(samples, "rungs_command_duration_seconds_bucket", **trace, le="0.05") == 2
    reveal = {"platform": "discord", "command": "reveal"}
    assert value(samples, "rungs_command_duration_seconds_bucket", **reveal, le="2.5") == 0
    assert value(samples, "rungs_jobs_due", platform="slack") == 7
    assert value(samples, "rungs_jobs_claimed_total", platform="slack", kind="daily_drill") == 1
    assert value(samples, "rungs_jobs_late_total", platform="slack", kind="daily_drill") == 1
    assert value(samples, "rungs_jobs_late_total", platform="slack", kind="challenge_reveal") == 0
    assert value(samples, "rungs_job_lateness_seconds_bucket", platform="slack", le="1.0") == 1
    assert value(samples, "rungs_jobs_finished_total", platform="slack", kind="daily_drill",
                 outcome="failed") == 1  # fmt: skip
    assert value(samples, "process_cpu_seconds_total") > 0  # the process collector is there


async def platform(statuses: list[int]) -> AsyncIterator[str]:
    """A stand-in platform API answering each request with the next status."""
    pending = list(statuses)

    async def answer(_: web.Request) -> web.Response:
        return web.Response(status=pending.pop(0), headers={"Retry-After": "1"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once this closes


async def test_platform_calls_are_counted_through_the_session_trace(
    endpoint: tuple[Metrics, str],
) -> None:
    metrics, url = endpoint
    async for api in platform([200, 200, 429, 503, 404]):
        async with ClientSession(trace_configs=[metrics.http_trace("discord")]) as session:
            for _ in range(5):
                async with session.post(f"{api}/channels/1/messages") as response:
                    await response.read()
            with pytest.raises(ClientConnectionError):
                await session.get(f"http://127.0.0.1:{closed_port()}/api")

    _, samples = await scrape(url)

    def requests(status: str) -> float:
        return value(samples, "rungs_platform_requests_total", platform="discord", status=status)

    def errors(reason: str) -> float:
        return value(samples, "rungs_platform_api_errors_total", platform="discord", reason=reason)

    assert (requests("2xx"), requests("429"), requests("5xx"), requests("4xx")) == (2, 1, 1, 1)
    assert requests("error") == 1
    assert (errors("rate_limited"), errors("server_error"), errors("refused")) == (1, 1, 1)
    assert errors("no_answer") == 1
    assert value(samples, "rungs_platform_request_duration_seconds_count", platform="discord") == 5


def free_port() -> int:
    return closed_port()


@asynccontextmanager
async def running(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_http_modes_serve_metrics_on_their_port_unless_one_is_set() -> None:
    metrics = Metrics(process=False)
    metrics.command_handled("slack", "trace", "ok", 0.001)

    shared = web.Application()
    add_route(shared, metrics, Settings(metrics_port=None))
    async with running(shared) as base:
        _, samples = await scrape(f"{base}/metrics")
    assert value(samples, "rungs_commands_total", platform="slack", command="trace",
                 outcome="ok") == 1  # fmt: skip

    separate = web.Application()
    port = free_port()
    settings = Settings(metrics_port=port, metrics_host="127.0.0.1")
    add_route(separate, metrics, settings)
    async with (
        running(separate) as base,
        ClientSession() as session,
        session.get(f"{base}/metrics") as response,
    ):
        assert response.status == 404  # kept off the app's (public) port

    async with metrics_endpoint(metrics, settings) as serving_on:
        assert serving_on == port
        _, samples = await scrape(f"http://127.0.0.1:{port}/metrics")
    assert value(samples, "rungs_commands_total", platform="slack", command="trace",
                 outcome="ok") == 1  # fmt: skip
    async with metrics_endpoint(metrics, Settings(metrics_port=None)) as nothing:
        assert nothing is None


def test_the_default_observer_counts_nothing() -> None:
    NO_OBSERVER.command_handled("console", "trace", "ok", 0.001)
    NO_OBSERVER.jobs_due("console", 1)
    NO_OBSERVER.job_claimed("console", "drill_nudge", 0.0, late=False)
    NO_OBSERVER.job_finished("console", "drill_nudge", "delivered")


async def test_the_tutor_and_its_sweeper_report_to_the_metrics(
    endpoint: tuple[Metrics, str], sqlite_store: SqliteStore, content: Content, clock: FixedClock
) -> None:
    """The wiring: a Tutor given the metrics as its observer, on a real SQLite file."""
    metrics, url = endpoint
    tutor = Tutor(sqlite_store, content, clock, metrics)
    ada = Actor("discord", "G1", "U1", "ada", "C1")
    answered = await tutor.reply_then_save(ada, Typed("/trace GET /u/7"))
    await answered.saved  # the deferred save
    await tutor.handle_text(ada, "/challenge start a-cpu-at-80 30s")
    await tutor.handle_text(ada, "/nonsense")
    clock.set(clock.now() + timedelta(seconds=40))

    async def post(_: Delivery) -> str:
        return "C1/1"

    assert await tutor.sweeper("discord", "node", post).sweep_once() == 1
    _, samples = await scrape(url)
    ok = {"platform": "discord", "outcome": "ok"}
    assert value(samples, "rungs_commands_total", command="trace", **ok) == 1
    assert value(samples, "rungs_commands_total", command="challenge_start", **ok) == 1
    refused = {"platform": "discord", "command": "unparsed", "outcome": "refused"}
    assert value(samples, "rungs_commands_total", **refused) == 1
    saved = {"platform": "discord", "outcome": "saved"}
    assert value(samples, "rungs_deferred_saves_total", **saved) == 1
    reveal = {"platform": "discord", "kind": "challenge_reveal"}
    assert value(samples, "rungs_jobs_claimed_total", **reveal) == 1
    assert value(samples, "rungs_jobs_finished_total", **reveal, outcome="delivered") == 1
    assert value(samples, "rungs_jobs_late_total", **reveal) == 1  # 10 s past its due time
