"""`rungs slack --http` serves its Prometheus metrics beside the Slack events, scraped from the
real process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from aiohttp import ClientSession
from fakes.fake_slack import RESPONSE_URL, FakeSlack
from prometheus_client.parser import text_string_to_metric_families
from slack_harness import rungs_process

from bot.slack_app.run import EVENTS_PATH


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


async def test_the_http_mode_serves_metrics_on_its_own_port(
    fake: FakeSlack, tmp_path: Path
) -> None:
    async with rungs_process(fake, tmp_path / "rungs.db") as events:
        url = events.removesuffix(EVENTS_PATH) + "/metrics"
        async with ClientSession() as session, session.get(url) as response:
            assert response.status == 200
            text = await response.text()
    families = {family.name for family in text_string_to_metric_families(text)}
    assert {"rungs_commands", "rungs_jobs_claimed", "rungs_platform_api_errors"} <= families
    assert "process_cpu_seconds" in families


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_commands_platform_calls_and_jobs_are_counted_as_they_happen(
    fake: FakeSlack, tmp_path: Path
) -> None:
    async with rungs_process(fake, tmp_path / "rungs.db") as events:
        for line in ("GET /u/7", "GET /u/8"):
            status, _, _ = await fake.deliver(events, fake.slash_command("/trace", line))
            assert status == 200
            await fake.wait_for(RESPONSE_URL, nth=int(line[-1]) - 6, timeout=5)
        await fake.deliver(events, fake.slash_command("/trace", "PUT nowhere"))
        await fake.wait_for(RESPONSE_URL, nth=3, timeout=5)
        url = events.removesuffix(EVENTS_PATH) + "/metrics"
        async with ClientSession() as session, session.get(url) as response:
            scraped = samples(await response.text())

    def value(name: str, **labels: str) -> float:
        return scraped.get((name, frozenset(labels.items())), 0.0)

    ok = {"platform": "slack", "command": "trace"}
    assert value("rungs_commands_total", **ok, outcome="ok") == 2
    assert (
        value("rungs_commands_total", platform="slack", command="unparsed", outcome="refused") == 1
    )
    assert value("rungs_command_duration_seconds_count", **ok) == 2
    assert value("rungs_platform_requests_total", platform="slack", status="2xx") >= 1  # auth.test
    assert ("rungs_jobs_due", frozenset({("platform", "slack")})) in scraped  # the sweeper's gauge
