"""The requests port: keys of platform requests already applied, so that a retried or replayed
request (the same Slack event, the same signed slash command sent again) is applied once, on
whichever node it arrives. Keys are the platform's own ids; they are kept for `keep`, longer
than the platform retries or accepts a replay."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class RequestStore(Protocol):
    async def first_sighting(self, key: str, now: datetime, keep: timedelta) -> bool:
        """Record `key` as seen at `now`; True if it was not seen in the last `keep` (apply the
        request), False if it was (acknowledge it, change nothing). Keys older than `keep` are
        forgotten."""
        ...
