"""Challenge durations as people type them, and their bounds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.team.duration import looks_like_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("7m", 420),
        ("1h", 3600),
        ("1m30s", 90),
        ("10s", 10),
        ("60m", 3600),
        (" 5M ", 300),
        ("5", 300),  # a bare number is minutes
    ],
)
def test_durations_parse(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9s", "from 10s to 60m"),
        ("61m", "from 10s to 60m"),
        ("2h", "from 10s to 60m"),
        ("0", "from 10s to 60m"),
        ("soon", "not a duration"),
        ("5 minutes", "not a duration"),
        ("-5m", "not a duration"),
        ("1.5m", "not a duration"),
        ("", "not a duration"),
    ],
)
def test_bad_durations_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_duration(text)


def test_duration_shapes_are_told_from_drill_names() -> None:
    assert looks_like_duration("90s")
    assert looks_like_duration("2h")  # out of bounds, but a duration: parse_duration says why
    assert not looks_like_duration("caching")
    assert not looks_like_duration("e01-cache-invalidation")
