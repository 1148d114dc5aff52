"""Start-up shared by every adapter: validate content, open and migrate the store, build the
Tutor; and close the store again on the way out."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.settings import Settings
from engine.content.loader import default_content_dir, load_content
from engine.errors import ContentError
from engine.observer import NO_OBSERVER, Observer
from engine.ports import Clock, SystemClock
from engine.storage import StoreOpenError, UnsupportedDatabaseError, open_store
from engine.tutor import Tutor


class StartupError(Exception):
    """A problem that stops start-up, with a message for the person who started it."""


@asynccontextmanager
async def running_tutor(
    settings: Settings, clock: Clock | None = None, observer: Observer = NO_OBSERVER
) -> AsyncIterator[tuple[Tutor, Clock]]:
    """The Tutor on the configured store and content, on `clock` (the system clock unless the
    caller brings one: the console's stepped clock), telling `observer` (the long-running
    modes' metrics) what it does."""
    folder = settings.content_dir or default_content_dir()
    try:
        content = load_content(folder)
    except ContentError as exc:
        first = "; ".join(f"{f}: {field}: {why}" for f, field, why in exc.problems[:3])
        raise StartupError(
            f"the content in {folder} is invalid ({first}). "
            "Run `rungs content check` for every problem."
        ) from exc
    try:
        store = await open_store(settings.database_url, settings.database_timeouts)
    except UnsupportedDatabaseError as exc:
        raise StartupError(str(exc)) from exc
    except StoreOpenError as exc:
        raise StartupError(str(exc)) from exc
    clock = clock or SystemClock()
    settle_garbage_collector()
    lease = timedelta(seconds=settings.job_lease_s)
    tutor = Tutor(store, content, clock, observer, job_lease=lease)
    try:
        yield tutor, clock
    finally:
        await tutor.saved()  # a reply sent just before shutdown still gets its save
        await store.close()


def settle_garbage_collector() -> None:
    """Move everything built at start-up (content, modules) out of the collector's sight, and
    collect young objects less often: a command allocates many short-lived objects, and full
    collections over the start-up heap were the longest pauses in the latency benchmark."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
