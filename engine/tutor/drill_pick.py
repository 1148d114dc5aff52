"""Choosing a drill from what a user typed: an id, a topic, or random."""

from __future__ import annotations

import difflib
import random

from engine.content.loader import Content
from engine.content.models import Drill
from engine.errors import UsageError


def pick_drill(
    content: Content, which: str | None, rng: random.Random, command: str, usage: str
) -> Drill:
    """The drill with that id, a random one of that topic, or any random one (None, `random`).
    An unknown name is a UsageError suggesting `command <close name>`, with `usage`."""
    drills = content.drills
    if which in (None, "random"):
        return drills[rng.choice(sorted(drills))]
    assert which is not None
    if which in drills:
        return drills[which]
    in_topic = sorted(d.id for d in drills.values() if d.topic == which)
    if in_topic:
        return drills[rng.choice(in_topic)]
    names = [*drills, *{d.topic for d in drills.values()}]
    close = difflib.get_close_matches(which, names, n=1, cutoff=0.6)
    hint = f" Did you mean {command} {close[0]}?" if close else ""
    raise UsageError(f"There is no drill or topic '{which[:40]}'.{hint}", usage)


def exists(content: Content, which: str) -> bool:
    """True for a drill id, a topic, or `random`."""
    drills = content.drills
    return which == "random" or which in drills or any(d.topic == which for d in drills.values())
