"""A 429 while a delivery's lease is held: two real `rungs slack --http` processes on one
database (SQLite; PostgreSQL when RUNGS_TEST_POSTGRES_URL is set) race for due reveals, and
Slack answers the first chat.postMessage calls with 429 and a Retry-After several times longer
than a job's lease. The node that got the 429 waits it out as Slack asks, renewing its claim
all the while, so the other node never takes that job over: every reveal is posted exactly
once, none is lost, and no job needed a second attempt."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import FakeSlack
from slack_harness import texts
from test_slow_platform_processes import (  # the same nodes, reveals and job rows
    LEASE_S,
    REVEALS,
    database_url,  # noqa: F401 - a fixture
    due_reveals,
    job_rows,
    node,
)

from engine.content.loader import Content

RETRY_AFTER_S = 3  # three leases: an unrenewed claim would run out twice over
LIMITED = 2  # the first two posts are refused, one after the other


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        slack.rate_limit("chat.postMessage", times=LIMITED, retry_after=RETRY_AFTER_S)
        yield slack


async def test_a_retry_after_longer_than_the_lease_posts_each_reveal_once(
    fake: FakeSlack,
    database_url: str,  # noqa: F811 - the fixture imported above
    content: Content,
    tmp_path: Path,
) -> None:
    assert RETRY_AFTER_S > 2 * LEASE_S
    channels = await due_reveals(database_url, content, fake.workspace.team_id)
    async with node(fake, database_url, tmp_path), node(fake, database_url, tmp_path):
        wait = LIMITED * RETRY_AFTER_S + 20
        await fake.wait_for(
            lambda call: call.method == "chat.postMessage" and call.status == 200,
            nth=REVEALS,
            timeout=wait,
        )
        await asyncio.sleep(3 * LEASE_S)  # time enough for a duplicate to turn up
    refused = [c for c in fake.calls_to("chat.postMessage") if c.status == 429]
    assert len(refused) == LIMITED  # the 429s were served, and waited out
    posts = {channel: len(fake.messages_in(channel)) for channel in channels}
    assert posts == dict.fromkeys(channels, 1)  # each once: none twice, none lost
    for channel in channels:
        assert "covered" in texts(fake.messages_in(channel)[0]).lower()
    recorded = await job_rows(database_url)
    assert len(recorded) == REVEALS
    for attempts, posted, done in recorded:
        assert done
        assert attempts == 1  # the claim held through the wait: never taken over
        assert len(json.loads(posted)) == 1
