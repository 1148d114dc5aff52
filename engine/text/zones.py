"""Time-zone names as people type them: `utc`, `europe/berlin`, `America/New_York`.

Names are matched without regard to case (and with spaces read as underscores), and the
answer is always the canonical IANA key, on every platform: a case-insensitive file system
would otherwise accept `europe/berlin` and hand back that spelling. A bare city (`berlin`) or a
near miss (`Europe/Berlni`) is refused with suggestions rather than guessed, because a wrong
guess would silently move someone's reminders by hours.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from engine.text.counts import join_words

_TYPED = re.compile(r"[A-Za-z0-9_+\-/ ]{1,40}")
_OFFSET = re.compile(r"(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?00)?", re.IGNORECASE)
# Files in the time-zone database that are not zones anyone should pick.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
EXAMPLE = "write it as Area/City, like Europe/Berlin or America/New_York, or UTC"


class TimeZoneError(ValueError):
    """A name that is not a time zone; `suggestions` are canonical keys, best first."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


def parse_time_zone(text: str) -> str:
    """The canonical key of the zone `text` names, or TimeZoneError.

    Messages follow the command converters' convention: one clause, no final full stop (the
    parser capitalises it and adds one), so it can stand in a UsageError as it is."""
    typed = text.strip()
    if not typed:
        raise TimeZoneError(f"give a time zone: {EXAMPLE}")
    shown = "".join(ch if ch.isprintable() else "?" for ch in typed[:40])
    if not _TYPED.fullmatch(typed) or typed.startswith("/") or ".." in typed:
        raise TimeZoneError(f"'{shown}' is not a time zone; {EXAMPLE}")
    key = _by_folded_name().get(_fold(typed))
    if key is not None:
        try:
            return ZoneInfo(key).key
        except (ZoneInfoNotFoundError, ValueError):  # listed but unreadable: treat as unknown
            pass
    offset = _OFFSET.fullmatch(typed)
    if offset:
        raise TimeZoneError(_offset_message(shown, offset.group(1), int(offset.group(2))))
    cities = _city_zones(typed)
    if cities:
        write = join_words(cities, "or")
        raise TimeZoneError(f"'{shown}' is a city, not a time zone: write {write}", cities)
    close = _close_names(typed)
    if close:
        nearest = join_words(close, "or")
        raise TimeZoneError(f"'{shown}' is not a time zone; the closest is {nearest}", close)
    raise TimeZoneError(f"'{shown}' is not a time zone; {EXAMPLE}")


def suggest(typed: str) -> tuple[str, ...]:
    """Zones whose city is `typed` (`berlin` -> Europe/Berlin), else the closest names."""
    return _city_zones(typed) or _close_names(typed)


def _city_zones(typed: str, limit: int = 3) -> tuple[str, ...]:
    city = _squash(_fold(typed).rsplit("/", 1)[-1])
    return _by_city().get(city, ())[:limit]


def _close_names(typed: str, limit: int = 3) -> tuple[str, ...]:
    names = _by_folded_name()
    close = difflib.get_close_matches(_fold(typed), list(names), n=limit, cutoff=0.75)
    return tuple(names[name] for name in close)


def _offset_message(shown: str, sign: str, hours: int) -> str:
    # The Etc/GMT names are POSIX-style: Etc/GMT-2 is two hours *ahead* of UTC.
    if hours == 0:
        return f"'{shown}' is UTC: write UTC"
    posix = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    return (
        f"'{shown}' is a fixed offset, which never follows daylight saving: give your city's "
        f"zone (like Europe/Berlin) so times stay right all year, or {posix} for a fixed "
        f"UTC{sign}{hours} (that name's sign is reversed)"
    )


def _fold(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip()).lower()


def _squash(city: str) -> str:
    """`new_york`, `new-york` and `newyork` are one city."""
    return re.sub(r"[_\- ]", "", city)


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    # Read once, on the first name that needs it (about 0.1 s: it lists the database).
    return tuple(sorted(available_timezones() - _NOT_ZONES))


@lru_cache(maxsize=1)
def _by_folded_name() -> dict[str, str]:
    return {key.lower(): key for key in _zones()}


@lru_cache(maxsize=1)
def _by_city() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for key in _zones():
        if "/" in key and not key.startswith("Etc/"):
            found.setdefault(_squash(key.rsplit("/", 1)[-1].lower()), []).append(key)
    return {city: tuple(keys) for city, keys in found.items()}
