"""The databases the store contract runs on: a real SQLite file, a real PostgreSQL (when
RUNGS_TEST_POSTGRES_URL names one; each test in a schema of its own, dropped afterwards), and the
engine's in-memory fake of the ports. Never a mock of the database."""

from __future__ import annotations

import os
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from fakes.memory_store import MemoryData, MemoryStore

from engine.ports import Store
from engine.storage import open_store

POSTGRES_URL_VARIABLE = "RUNGS_TEST_POSTGRES_URL"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
KINDS = ["memory", "sqlite", "postgres"]


@dataclass
class Database:
    """One database, and every store opened on it (each its own connection or pool, as a
    separate process would have; the fake's stores share one `MemoryData`)."""

    url: str | None  # None: the in-memory fake
    applied: Callable[[], Awaitable[list[int]]] | None  # None: no migrations (the fake)
    dialect: str
    stores: list[Store] = field(default_factory=list)
    memory: MemoryData = field(default_factory=MemoryData)

    async def open(self) -> Store:
        store: Store = MemoryStore(self.memory) if self.url is None else await open_store(self.url)
        self.stores.append(store)
        return store

    async def close(self, store: Store) -> None:
        self.stores.remove(store)
        await store.close()

    async def close_all(self) -> None:
        for store in list(self.stores):
            await self.close(store)

    async def applied_migrations(self) -> list[int]:
        if self.applied is None:
            pytest.skip("the in-memory fake has no schema, so no migrations")
        return await self.applied()


def migration_numbers(dialect: str) -> list[int]:
    folder = resources.files("engine.storage.migrations") / dialect
    return sorted(int(f.name.split("_", 1)[0]) for f in folder.iterdir() if f.name.endswith(".sql"))


async def database_of(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    if kind == "memory":
        db = Database(None, None, "memory")
    elif kind == "sqlite":
        db = sqlite_database(tmp_path / "rungs.db")
    else:
        async for db in postgres_database():
            yield db
        return
    try:
        yield db
    finally:
        await db.close_all()


def sqlite_database(path: Path) -> Database:
    async def applied() -> list[int]:
        async with aiosqlite.connect(path) as connection:
            rows = await connection.execute_fetchall(
                "SELECT version FROM schema_migrations ORDER BY version"
            )
        return [int(version) for (version,) in rows]

    return Database(f"sqlite:///{path}", applied, "sqlite")


def postgres_url() -> str:
    base_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base_url:
        pytest.skip(
            f"{POSTGRES_URL_VARIABLE} is not set: set it to a PostgreSQL URL "
            "(e.g. postgresql://root@127.0.0.1:5432/test) to run the contract on PostgreSQL"
        )
    pytest.importorskip("asyncpg", reason="asyncpg (the postgres extra) is missing")
    return base_url


async def postgres_database() -> AsyncIterator[Database]:
    async for url, admin, schema in postgres_schema():
        db = Database(url, partial(_applied, admin, schema), "postgres")
        try:
            yield db
        finally:
            await db.close_all()


async def _applied(admin: Any, schema: str) -> list[int]:
    rows = await admin.fetch(f'SELECT version FROM "{schema}".schema_migrations ORDER BY 1')
    return [int(row["version"]) for row in rows]


async def postgres_schema() -> AsyncIterator[tuple[str, Any, str]]:
    """A fresh schema: (a URL whose search_path is it, an admin connection, its name)."""
    base_url = postgres_url()
    import asyncpg

    schema = f"rungs_test_{uuid.uuid4().hex[:12]}"  # a schema per test: runs cannot interfere
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        yield with_search_path(base_url, schema), admin, schema
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


def with_search_path(url: str, schema: str) -> str:
    """The URL with `search_path` set: asyncpg turns unknown query parameters into settings."""
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query), ("search_path", schema)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
