"""What a sketch claims about each checklist item and trap: the findings the verdict weighs.

For every pattern of the drill, each place it stands is read for its stance (affirmed,
rejected, asked) and whether its segment says something; the pattern's kind decides whether
that covers or contradicts its item. Traps fire on affirmed, unconditional clauses, and the
items they oppose are contradicted there instead of ticked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from engine.content.models import ChecklistEntry, Drill, Trap
from engine.drills.arithmetic import evaluate
from engine.drills.clauses import Parsed
from engine.drills.evidence import Kind, PreparedDrill, PreparedItem, PreparedTrap, prepare
from engine.drills.numbers import Number, near, read_numbers
from engine.drills.patterns import Index, Occurrence, Pattern
from engine.drills.polarity import Polarity, Reader, Stance
from engine.drills.telling import telling_segments


# Tuples: hundreds are made per sketch, and a frozen dataclass costs three times as much.
class Finding(NamedTuple):
    clause_index: int
    clause: str  # as the learner wrote it
    words: str  # the words (or number) that stood for the item
    decisive: bool = False  # a wrong idea stated, or a trap: the clause contradicts, whatever else


@dataclass(slots=True)
class ItemFindings:
    covers: list[Finding] = field(default_factory=list)
    contradicts: list[Finding] = field(default_factory=list)
    asked: bool = False
    listed: bool = False  # named only where nothing is said about it


@dataclass(frozen=True, slots=True)
class Claims:
    items: dict[str, ItemFindings]
    traps: list[tuple[Trap, str]]  # each trap that fired, with its clause


# What a stance of a pattern of each kind does to its item: "cover", "contradict" or "".
_EFFECT: dict[tuple[Kind, Polarity], str] = {
    (Kind.KEYWORD, Polarity.AFFIRMED): "cover",
    (Kind.KEYWORD, Polarity.REJECTED): "contradict",
    (Kind.CONCERN, Polarity.AFFIRMED): "cover",
    (Kind.CONCERN, Polarity.REJECTED): "contradict",
    (Kind.WARNS_AGAINST, Polarity.REJECTED): "cover",
    (Kind.WRONG, Polarity.AFFIRMED): "contradict",
    (Kind.WRONG, Polarity.REJECTED): "cover",
}


# Enum members as plain names for the loops below (an enum attribute costs ~100 ns).
_AFFIRMED, _REJECTED, _ASKED = Polarity.AFFIRMED, Polarity.REJECTED, Polarity.ASKED
_KEYWORD, _CONCERN, _WARNS_AGAINST, _WRONG = (
    Kind.KEYWORD,
    Kind.CONCERN,
    Kind.WARNS_AGAINST,
    Kind.WRONG,
)


class _Sketch:
    """One sketch read against one drill: occurrences, stances and telling segments."""

    def __init__(self, prepared: PreparedDrill, text: str) -> None:
        self.parsed = Parsed(text)
        alternatives = {}
        vocabulary, correct = prepared.vocabulary_stems, prepared.corrector.correct
        stems, words = self.parsed.stems, self.parsed.words
        for index in [i for i, word_stem in enumerate(stems) if word_stem not in vocabulary]:
            corrected = correct(words[index])
            if corrected is not None and corrected != stems[index]:
                alternatives[index] = corrected
        self.index = Index(self.parsed, alternatives, prepared.together)
        self.reader = Reader(self.parsed)
        self._found: dict[str, list[Occurrence]] = {}
        self._numbers: list[Number] | None = None
        self._placed: dict[tuple[float, ...], list[tuple[Number, int, int]]] = {}
        self._sentences: dict[tuple[Pattern, ...], set[int]] = {}
        self._stances: dict[tuple[int, int, Kind], Stance] = {}
        # Only the patterns that start with a stem of this sketch, and whose every stem it
        # has (or whose words it writes together), can stand in it.
        by_key = prepared.by_key
        positions, runs = self.index.positions, self.index.runs
        present = positions.keys() | runs.keys()
        self.candidates: set[str] = set()
        for key in present:
            patterns = by_key.get(key)
            if patterns is not None:
                self.candidates.update(
                    p.text for p in patterns if p.stems <= present or p.together in positions
                )
        terms: set[int] = set()
        term_starts: set[int] = set()
        for pattern in prepared.every:
            if pattern.text in self.candidates:
                for occurrence in self.find(pattern):
                    terms.update(range(occurrence.start, occurrence.end))
                    term_starts.add(occurrence.start)
        self.telling = telling_segments(self.parsed, terms, prepared.topic, term_starts)

    @property
    def numbers(self) -> list[Number]:
        """The sketch's numbers and worked-out sums, read once (only numeric items ask)."""
        if self._numbers is None:
            parsed = self.parsed
            self._numbers = read_numbers(parsed.folded, parsed.words, parsed.offsets)
        return self._numbers

    def placed_numbers(self, given: tuple[float, ...]) -> list[tuple[Number, int, int]]:
        """(number, its word, its sentence) of each number that is not one of the prompt's
        own values (`given`), worked out once for every numeric item."""
        known = self._placed.get(given)
        if known is None:
            parsed = self.parsed
            known = self._placed[given] = []
            for number in self.numbers:
                if any(abs(number.value - g) <= 1e-9 * abs(g) for g in given):  # the prompt's
                    continue
                word = parsed.word_at(number.start)
                if word is not None:
                    known.append((number, word, parsed.clauses[parsed.clause_of[word]].sentence))
        return known

    def sentences_with(self, patterns: tuple[Pattern, ...]) -> set[int]:
        """The sentences where one of `patterns` stands."""
        known = self._sentences.get(patterns)
        if known is None:
            clauses = self.parsed.clauses
            known = self._sentences[patterns] = {
                clauses[o.clause].sentence for p in patterns for o in self.find(p)
            }
        return known

    def find(self, pattern: Pattern) -> list[Occurrence]:
        found = self._found.get(pattern.text)
        if found is None:
            if pattern.text not in self.candidates:
                return []
            found = self._found[pattern.text] = self._find(pattern)
        return found

    def _find(self, pattern: Pattern) -> list[Occurrence]:
        if len(pattern.parts) == 1 and len(pattern.parts[0]) == 1:  # one word: a lookup
            word = pattern.parts[0][0]
            clause_of = self.parsed.clause_of
            found = [Occurrence(i, i + 1, clause_of[i]) for i in self.index.positions.get(word, ())]
            found += [Occurrence(s, e, clause_of[s]) for s, e in self.index.runs.get(word, ())]
            return found
        return list(self.index.find(pattern))

    def stance(self, occurrence: Occurrence, kind: Kind = _KEYWORD) -> Stance:
        key = (occurrence.start, occurrence.end, kind)
        known = self._stances.get(key)
        if known is None:
            known = self._stances[key] = self.reader.stance(
                occurrence, concern=kind is _CONCERN, loose=kind is _WARNS_AGAINST
            )
        return known

    def tells(self, occurrence: Occurrence) -> bool:
        # A segment of a clause without any of the drill's terms is no list of terms.
        return self.telling.get(self.parsed.segment_of[occurrence.start], True)

    def finding(self, occurrence: Occurrence) -> Finding:
        words = " ".join(self.parsed.words[occurrence.start : occurrence.end])
        clause = self.parsed.clauses[occurrence.clause]
        return Finding(occurrence.clause, clause.text, words)


def find_claims(drill: Drill, params: Mapping[str, float], text: str) -> Claims:
    prepared = prepare(drill)
    sketch = _Sketch(prepared, text)
    traps, trap_clauses = _traps(prepared, sketch)
    stated = _wrong_words(prepared, sketch)
    items: dict[str, ItemFindings] = {}
    for item in prepared.items:
        findings = ItemFindings()
        opposed = trap_clauses.get(item.entry.id, {})
        numeric = _numeric(item.entry, params)
        for kind, pattern in item.patterns:
            if pattern.text not in sketch.candidates:
                continue
            for occurrence in sketch.find(pattern):
                _weigh(sketch, kind, occurrence, findings, opposed, numeric, stated)
        for clause_index, clause in opposed.items():
            findings.contradicts.append(Finding(clause_index, clause, "", decisive=True))
        if numeric:
            findings.covers.extend(_numbers(item, params, sketch))
        items[item.entry.id] = findings
    return Claims(items, traps)


def _weigh(
    sketch: _Sketch,
    kind: Kind,
    occurrence: Occurrence,
    findings: ItemFindings,
    opposed: dict[int, str],
    numeric: bool,
    stated: set[int],
) -> None:
    stance = sketch.stance(occurrence, kind)
    segment_of = sketch.parsed.segment_of
    if segment_of[occurrence.start] != segment_of[occurrence.end - 1]:
        # "don't shard, sharding is for writes": a match across a comma counts only where
        # both of its ends stand the same way.
        last = Occurrence(occurrence.end - 1, occurrence.end, occurrence.clause)
        if sketch.stance(last, kind).polarity is not stance.polarity:
            return
    if stance.polarity is _ASKED:
        findings.asked = True
        return
    effect = _EFFECT.get((kind, stance.polarity), "")
    if effect == "contradict" and not (kind is _WRONG and stance.conditional):
        found = sketch.finding(occurrence)
        if kind is _WRONG:
            found = Finding(found.clause_index, found.clause, found.words, decisive=True)
        findings.contradicts.append(found)
    elif effect == "cover" and stance.conditional and kind is _KEYWORD:
        return  # "if we did add a queue, ...": a move supposed, not proposed
    elif effect == "cover" and occurrence.clause not in opposed and not numeric:
        if not stated.isdisjoint(range(occurrence.start, occurrence.end)):
            return  # "each replica takes a share of the writes" is no shard's 1/N of the writes
        if sketch.tells(occurrence):
            findings.covers.append(sketch.finding(occurrence))
        else:
            findings.listed = True


def _traps(
    prepared: PreparedDrill, sketch: _Sketch
) -> tuple[list[tuple[Trap, str]], dict[str, dict[int, str]]]:
    fired: list[tuple[Trap, str]] = []
    opposed: dict[str, dict[int, str]] = {}
    for trap in prepared.traps:
        occurrence = _sprung(trap, sketch)
        if occurrence is None:
            continue
        clause = sketch.parsed.clauses[occurrence.clause].text
        fired.append((trap.trap, clause))
        for item_id in trap.trap.opposes:
            opposed.setdefault(item_id, {})[occurrence.clause] = clause
    return fired, opposed


def _wrong_words(prepared: PreparedDrill, sketch: _Sketch) -> set[int]:
    """The words of every wrong idea the sketch states (affirmed, not supposed): whatever
    item they would also name, they claim the wrong thing, not that item."""
    found: set[int] = set()
    for item in prepared.items:
        for kind, pattern in item.patterns:
            if kind is not _WRONG or pattern.text not in sketch.candidates:
                continue
            for o in sketch.find(pattern):
                stance = sketch.stance(o, kind)
                if stance.polarity is _AFFIRMED and not stance.conditional:
                    found.update(range(o.start, o.end))
    return found


def _sprung(trap: PreparedTrap, sketch: _Sketch) -> Occurrence | None:
    """Where the first sign of the trap holds: every pattern affirmed outside an "if ...",
    and none of its exclusions in the same sentence."""
    clauses = sketch.parsed.clauses
    for sign in trap.signs:
        firsts: list[Occurrence] = []
        for pattern in sign.present:
            affirmed = [
                o
                for o in sketch.find(pattern)
                if (s := sketch.stance(o)).polarity is _AFFIRMED and not s.conditional
            ]
            if not affirmed:
                break
            firsts.append(affirmed[0])
        else:
            first = firsts[0]
            sentence = clauses[first.clause].sentence
            if not any(
                clauses[o.clause].sentence == sentence for p in sign.absent for o in sketch.find(p)
            ):
                return first
    return None


def _numeric(entry: ChecklistEntry, params: Mapping[str, float]) -> bool:
    """An item judged by its numbers: it has some, and this attempt's values work them out."""
    if not entry.numbers:
        return False
    try:
        for number in entry.numbers:
            evaluate(number.expr, params)
    except (ValueError, ZeroDivisionError):
        return False
    return True


def _numbers(item: PreparedItem, params: Mapping[str, float], sketch: _Sketch) -> list[Finding]:
    """Numbers of the sketch that are this attempt's expected values (the prompt's own
    numbers repeated are not the math), in clauses that are not questions or rejections."""
    parsed = sketch.parsed
    expected = [
        (evaluate(n.expr, params), n.tolerance, context)
        for n, context in zip(item.entry.numbers, item.contexts, strict=True)
    ]
    found = []
    for number, word, sentence in sketch.placed_numbers(tuple(params.values())):
        if not any(
            near(number.value, value, tolerance) and _in_context(sketch, context, sentence)
            for value, tolerance, context in expected
        ):
            continue
        occurrence = Occurrence(word, word + 1, parsed.clause_of[word])
        if sketch.stance(occurrence).polarity is _AFFIRMED and sketch.tells(occurrence):
            clause = parsed.clauses[occurrence.clause].text
            found.append(Finding(occurrence.clause, clause, number.written))
    return found


def _in_context(sketch: _Sketch, context: tuple[Pattern, ...], sentence: int) -> bool:
    return not context or sentence in sketch.sentences_with(context)
