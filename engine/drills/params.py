"""Numbers drawn per attempt; the arithmetic over them lives in `arithmetic`."""

from __future__ import annotations

import random

from engine.content.models import Drill
from engine.drills.arithmetic import compact, evaluate, placeholders, render

__all__ = ["compact", "draw", "evaluate", "example", "placeholders", "render"]


def draw(drill: Drill, seed: str) -> dict[str, float]:
    """One value per parameter, the same for the same seed (a user's attempt)."""
    rng = random.Random(seed)  # noqa: S311 - teaching numbers, not secrets
    return {param.name: rng.choice(param.choices) for param in drill.params}


def example(drill: Drill) -> dict[str, float]:
    """The values a text shows where no attempt is at hand: each parameter's example."""
    return drill.example_params
