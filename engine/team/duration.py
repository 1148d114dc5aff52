"""Challenge durations as people type them: `90s`, `7m`, `1h`, `1m30s`."""

from __future__ import annotations

import re
from datetime import timedelta

SHORTEST = timedelta(seconds=10)  # enough to read the prompt (users ask for at least 10 s)
LONGEST = timedelta(minutes=60)

_PART = re.compile(r"([0-9]{1,4})([hms])")
_WHOLE = re.compile(r"(?:[0-9]{1,4}[hms]){1,3}")
_UNIT_SECONDS = {"h": 3_600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """A duration from 10 seconds to 60 minutes; a bare number means minutes.

    Raises ValueError with a short message that can be shown as it is."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned.isdigit() and len(cleaned) <= 4:
        cleaned += "m"
    if not _WHOLE.fullmatch(cleaned):
        raise ValueError(f"'{text[:20]}' is not a duration; write it like 90s, 7m or 1h")
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(cleaned))
    duration = timedelta(seconds=seconds)
    if not SHORTEST <= duration <= LONGEST:
        raise ValueError(f"a challenge lasts from 10s to 60m, not {text.strip()[:20]}")
    return duration


def looks_like_duration(text: str) -> bool:
    """True for text shaped like a duration (even out of bounds), so `/challenge start 90s`
    reads the 90s as the duration rather than as a drill name."""
    cleaned = text.strip().lower()
    return bool(_WHOLE.fullmatch(cleaned) or (cleaned.isdigit() and len(cleaned) <= 4))
