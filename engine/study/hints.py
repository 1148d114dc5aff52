"""`/hint`: the next nudge during a drill, towards the first checklist item (in checklist order,
the order a strong answer climbs) that the sketch does not cover yet and no earlier hint of this
attempt pointed at; at most MAX_HINTS an attempt. The nudges are content (`hints.yaml`), and the
reveal says how many hints were taken."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.content.loader import Content
from engine.text.counts import count

MAX_HINTS = 3


@dataclass(frozen=True, slots=True)
class Hint:
    item_id: str
    text: str
    number: int  # 1 for the first hint of this attempt
    limit: int

    @property
    def line(self) -> str:
        return f"Hint {self.number} of {self.limit}: {self.text}"


class NoHintWhy(StrEnum):
    USED_UP = "used-up"
    ALL_COVERED = "all-covered"
    ALREADY_HINTED = "already-hinted"


@dataclass(frozen=True, slots=True)
class NoHint:
    why: NoHintWhy
    message: str


def next_hint(
    content: Content,
    drill_id: str,
    covered: Collection[str],
    used: Sequence[str],
    limit: int = MAX_HINTS,
) -> Hint | NoHint:
    """`covered`: item ids the current sketch covers (from whatever scores it); `used`: item
    ids this attempt's earlier hints pointed at, in order. Record the returned item id."""
    if len(used) >= limit:
        return NoHint(
            NoHintWhy.USED_UP,
            f"That was the last hint: {count(limit, 'hint')} a drill. Finish the sketch, then "
            "/reveal shows the whole checklist.",
        )
    nudges = content.study.hints[drill_id]
    missing = [item for item in nudges if item not in covered]
    if not missing:
        return NoHint(
            NoHintWhy.ALL_COVERED,
            "Nothing left to nudge you towards: your sketch touches every item this drill asks "
            "about. /reveal when you are ready.",
        )
    fresh = [item for item in missing if item not in used]
    if not fresh:
        return NoHint(
            NoHintWhy.ALREADY_HINTED,
            "Your earlier hints still point at what is missing; go back to them, or /reveal.",
        )
    return Hint(fresh[0], nudges[fresh[0]], len(used) + 1, limit)


def reveal_note(used: Sequence[str], covered: Collection[str]) -> str | None:
    """A line for the reveal when hints were taken (None when none were)."""
    if not used:
        return None
    took = f"You took {count(len(used), 'hint')} on this drill"
    helped = sum(item in covered for item in used)
    if len(used) == 1:
        state = "is covered above" if helped else "is still missing"
        return f"{took}; the item it pointed at {state}."
    verb = "is" if helped == 1 else "are"
    return f"{took}; {helped} of the {len(used)} items they pointed at {verb} covered above."


def encode_used(used: Sequence[str]) -> str:
    return json.dumps(list(used))


def decode_used(text: str | None) -> tuple[str, ...]:
    """The stored list of hinted item ids; ValueError for anything else."""
    if not text:
        return ()
    data = json.loads(text)
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise ValueError("hints used: expected a JSON list of item ids")
    return tuple(data)
