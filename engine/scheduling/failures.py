"""The rule for a scheduled post that did not go out: what its schedule keeps."""

from __future__ import annotations

from datetime import datetime

from engine.ports import PostFailure
from engine.scheduling.delivery import Refusal

MAX_DETAIL = 200  # the platform's words are kept short: they are shown, never parsed


def next_failure(previous: PostFailure | None, refusal: Refusal, due_at: datetime) -> PostFailure:
    """The failure a schedule keeps once another of its posts failed: the latest reason, and
    how many failed in a row (a post that goes out clears it)."""
    times = 1 if previous is None else previous.count + 1
    return PostFailure(refusal.reason, refusal.detail[:MAX_DETAIL], due_at, times)
