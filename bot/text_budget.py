"""Sharing a platform's total text budget among a message's parts (both chat renderers)."""

from __future__ import annotations

from collections.abc import Sequence


def water_level(lengths: Sequence[int], budget: int) -> int:
    """The largest cap such that the lengths, each cut to the cap, add up to at most `budget`.

    Cutting only what is longer than the cap shrinks the biggest texts and keeps short ones
    (a notice after a huge diagram) whole.
    """
    remaining, count = max(budget, 0), len(lengths)
    for length in sorted(lengths):
        share = remaining // count
        if length > share:
            return share
        remaining -= length
        count -= 1
    return max(lengths, default=0)
