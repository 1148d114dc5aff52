"""Axis ticks at round numbers, and numbers written the way people read them."""

from __future__ import annotations

import math


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """About `target` ticks at 1, 2, 2.5 or 5 times a power of ten, covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, target)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def number(value: float, unit: str = "") -> str:
    """`12k`, `1.5k`, `250`, `2.5`, `0.25`, with the unit attached (`%`) or spaced (`ms`)."""
    magnitude = abs(value)
    if magnitude >= 10_000:
        text = f"{value / 1000:.0f}k"
    elif magnitude >= 1_000:
        text = f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    elif magnitude >= 10 or value == int(value):
        text = f"{value:.0f}"
    elif magnitude >= 1:
        text = f"{value:.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
