"""A drill's checklist and traps prepared for matching: patterns compiled, vocabulary known.

Prepared once per drill (content is loaded once) and kept; a drill object that is replaced,
as a content reload would, is prepared again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.content.models import ChecklistEntry, Drill, Trap
from engine.drills.clauses import words
from engine.drills.fuzzy import Corrector
from engine.drills.patterns import Pattern


class Kind(StrEnum):
    KEYWORD = "keyword"  # recommended: affirmed covers, rejected contradicts
    CONCERN = "concern"  # the problem: named covers, dismissed contradicts
    WARNS_AGAINST = "warns_against"  # advised against: rejected covers
    WRONG = "wrong"  # the wrong idea: affirmed contradicts, rejected covers


@dataclass(frozen=True, slots=True)
class PreparedItem:
    entry: ChecklistEntry
    patterns: tuple[tuple[Kind, Pattern], ...]
    contexts: tuple[tuple[Pattern, ...], ...]  # per expected number: words it needs nearby


@dataclass(frozen=True, slots=True)
class Sign:
    present: tuple[Pattern, ...]  # all affirmed
    absent: tuple[Pattern, ...]  # none in the sentence of the first


@dataclass(frozen=True, slots=True)
class PreparedTrap:
    trap: Trap
    signs: tuple[Sign, ...]


@dataclass(frozen=True, slots=True)
class PreparedDrill:
    drill: Drill
    items: tuple[PreparedItem, ...]
    traps: tuple[PreparedTrap, ...]
    corrector: Corrector
    vocabulary_stems: frozenset[str]  # stems of every pattern word: never corrected
    together: frozenset[str]  # one-word patterns that may be written as two or three words
    every: tuple[Pattern, ...]  # each pattern once: items', numbers' contexts, traps'
    # A stem a pattern can start with (its first stem, or its words written together) -> the
    # patterns: a sketch tries only those whose key it has, not every pattern of the drill.
    by_key: dict[str, tuple[Pattern, ...]]
    topic: frozenset[str]  # the words of the drill's title and prompt


def prepare(drill: Drill) -> PreparedDrill:
    cached = _PREPARED.get(drill.id)
    if cached is not None and cached.drill is drill:
        return cached
    prepared = _prepare(drill)
    _PREPARED[drill.id] = prepared
    return prepared


_PREPARED: dict[str, PreparedDrill] = {}


def _prepare(drill: Drill) -> PreparedDrill:
    items = tuple(_item(entry) for entry in drill.checklist)
    traps = tuple(
        PreparedTrap(trap, tuple(_sign(group) for group in trap.signs)) for trap in drill.traps
    )
    every = [p for item in items for _, p in item.patterns]
    every += [p for item in items for context in item.contexts for p in context]
    every += [p for trap in traps for sign in trap.signs for p in (*sign.present, *sign.absent)]
    vocabulary = {w for p in every for w in p.vocabulary}
    known = words(" ".join(_texts(drill)))
    together = frozenset(
        p.parts[0][0]
        for p in every
        if len(p.parts) == 1 and len(p.parts[0]) == 1 and len(p.parts[0][0]) >= 5
    )
    unique = tuple({p.text: p for p in every}.values())
    by_key: dict[str, list[Pattern]] = {}
    for pattern in unique:
        for key in {pattern.parts[0][0], pattern.together} - {""}:
            by_key.setdefault(key, []).append(pattern)
    return PreparedDrill(
        drill=drill,
        items=items,
        traps=traps,
        corrector=Corrector(vocabulary, known),
        vocabulary_stems=frozenset(s for p in every for part in p.parts for s in part),
        together=together,
        every=unique,
        by_key={key: tuple(patterns) for key, patterns in by_key.items()},
        topic=frozenset(words(f"{drill.title} {drill.prompt}")),
    )


def _item(entry: ChecklistEntry) -> PreparedItem:
    patterns = [(Kind.KEYWORD, text) for text in entry.keywords]
    patterns += [(Kind.CONCERN, text) for text in entry.concerns]
    patterns += [(Kind.WARNS_AGAINST, text) for text in entry.warns_against]
    patterns += [(Kind.WRONG, text) for text in entry.wrong]
    contexts = tuple(tuple(_pattern(text) for text in n.context) for n in entry.numbers)
    return PreparedItem(entry, tuple((kind, _pattern(text)) for kind, text in patterns), contexts)


def _sign(group: list[str]) -> Sign:
    present = tuple(_pattern(text) for text in group if not text.startswith("!"))
    absent = tuple(_pattern(text[1:]) for text in group if text.startswith("!"))
    return Sign(present, absent)


_PATTERNS: dict[str, Pattern] = {}


def _pattern(text: str) -> Pattern:
    pattern = _PATTERNS.get(text)
    if pattern is None:
        pattern = _PATTERNS[text] = Pattern.of(text)
    return pattern


def _texts(drill: Drill) -> list[str]:
    """The drill's own prose: its words are real words, never typos to correct."""
    texts = [drill.title, drill.prompt, drill.model_answer_template, *drill.follow_ups]
    for entry in drill.checklist:
        texts += [entry.label, entry.why]
    for trap in drill.traps:
        texts += [trap.label, trap.why]
    return texts
