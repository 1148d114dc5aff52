"""`rungs slack --http` serves its Prometheus metrics beside the Slack events, scraped from the
real process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from aiohttp import ClientSession
from fakes.fake_slack import FakeSlack
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
