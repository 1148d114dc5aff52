"""The Slack tests' shared fixtures: a fake Slack on loopback, and one Rungs replica in HTTP mode
on a real SQLite file talking to it (tests/slack/slack_harness.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakes.fake_slack import FakeSlack
from slack_harness import Replica, http_replica

from engine.content.loader import Content


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
async def replica(fake: FakeSlack, tmp_path: Path, content: Content) -> AsyncIterator[Replica]:
    async with http_replica(fake, tmp_path / "rungs.db", content) as running:
        yield running
