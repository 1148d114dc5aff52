"""Shared fixtures: loaded content, a fixed clock, and real stores on real files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.content.loader import Content, load_content
from engine.ports import FixedClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = await SqliteStore.open(tmp_path / "rungs.db")
    yield store
    await store.close()


@pytest.fixture
async def tutor(sqlite_store: SqliteStore, content: Content, clock: FixedClock) -> Tutor:
    return Tutor(sqlite_store, content, clock)


def console_actor(user: str = "alice", channel: str | None = None) -> Actor:
    return Actor("console", "local", user, user, channel)
