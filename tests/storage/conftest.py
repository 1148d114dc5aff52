"""The store contract's fixtures: every test runs on each database of `databases.KINDS`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from store_databases import KINDS, Database, database_of

from engine.ports import Store


@pytest.fixture(params=KINDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async for db in database_of(request.param, tmp_path):
        yield db


@pytest.fixture
async def store(database: Database) -> Store:
    return await database.open()
