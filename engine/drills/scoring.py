"""The reveal's verdict: which checklist items a sketch covers, and which traps it fell into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.content.models import ChecklistEntry, Drill, Trap
from engine.drills.matching import Phrase, Sketch
from engine.drills.params import compact, evaluate


@dataclass(frozen=True, slots=True)
class ItemVerdict:
    item: ChecklistEntry
    matched: tuple[str, ...]  # the words (or numbers) of the sketch that showed it

    @property
    def covered(self) -> bool:
        return bool(self.matched)


@dataclass(frozen=True, slots=True)
class Verdict:
    items: tuple[ItemVerdict, ...]
    traps: tuple[Trap, ...]  # traps the sketch shows signs of

    @property
    def covered(self) -> int:
        return sum(v.covered for v in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def missed(self) -> tuple[ChecklistEntry, ...]:
        return tuple(v.item for v in self.items if not v.covered)


MAX_MATCHES_SHOWN = 3


def score(drill: Drill, params: Mapping[str, float], text: str) -> Verdict:
    sketch = Sketch(text)
    items = tuple(ItemVerdict(item, _matches(item, params, sketch)) for item in drill.checklist)
    traps = tuple(trap for trap in drill.traps if _fell_into(trap, sketch))
    return Verdict(items, traps)


def expected_numbers(item: ChecklistEntry, params: Mapping[str, float]) -> list[tuple[str, str]]:
    """(label, value) of the numbers an item expects for these parameters, for the reveal."""
    return [(n.label, compact(evaluate(n.expr, params))) for n in item.numbers]


def _matches(item: ChecklistEntry, params: Mapping[str, float], sketch: Sketch) -> tuple[str, ...]:
    found: list[str] = []
    for number in item.numbers:
        # Repeating the prompt's own numbers is not doing the math.
        given = tuple(params.values())
        written = sketch.find_number(evaluate(number.expr, params), number.tolerance, given)
        if written is not None and written not in found:
            found.append(written)
    for keyword in item.keywords:
        words = sketch.find(_phrase(keyword))
        if words is not None and words not in found:
            found.append(words)
        if len(found) >= MAX_MATCHES_SHOWN:
            break
    return tuple(found)


def _fell_into(trap: Trap, sketch: Sketch) -> bool:
    """A trap's sign counts only where the sketch asserts it, not where it rejects it."""
    return any(
        all(sketch.find_affirmed(_phrase(phrase)) is not None for phrase in group)
        for group in trap.signs
    )


_PHRASES: dict[str, Phrase] = {}


def _phrase(keyword: str) -> Phrase:
    """Keywords come from content loaded once, so their prepared form is kept."""
    phrase = _PHRASES.get(keyword)
    if phrase is None:
        phrase = _PHRASES[keyword] = Phrase.of(keyword)
    return phrase
