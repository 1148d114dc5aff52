"""A clock for end-to-end tests of deadlines: the system clock, moved forward on demand, so a
challenge's reveal or a drill's nudge falls due without real waiting. (The platforms' own
clocks, such as Slack's request signatures, keep the real time.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ShiftedClock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
