"""The correlation id of the work in hand (a command, an interaction, a job), in a context
variable: every log line written while it is set carries it (bot/logs.py), and a user told
"quote ref 1a2b3c4d" points at exactly those lines.

An adapter opens `correlated()` around each event it handles and the sweeper around each job;
asyncio copies the context into the tasks started inside, so the id follows the work.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CURRENT: ContextVar[str | None] = ContextVar("rungs_correlation_id", default=None)


def new_id() -> str:
    return secrets.token_hex(4)


def current() -> str | None:
    """The id of the work in hand, if any."""
    return _CURRENT.get()


@contextmanager
def correlated(correlation_id: str | None = None) -> Iterator[str]:
    """Set a correlation id (a new one unless given) for the block."""
    token = _CURRENT.set(correlation_id or new_id())
    try:
        yield _CURRENT.get() or ""
    finally:
        _CURRENT.reset(token)
