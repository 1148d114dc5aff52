"""Optimistic writes: when another node changed the same row first, read again and retry, after a
short random pause so that racing nodes stop colliding in lockstep."""

from __future__ import annotations

import asyncio
import random

ATTEMPTS = 12  # a write that loses this often in a row gives up with a ConflictError
MAX_PAUSE_S = 0.05


async def back_off(attempt: int) -> None:
    """Pause before attempt `attempt + 1`: up to 1 ms, 2 ms, 4 ms … at most 50 ms."""
    await asyncio.sleep(random.uniform(0, min(MAX_PAUSE_S, 0.001 * 2**attempt)))  # noqa: S311
