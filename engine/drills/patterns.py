"""Evidence patterns from the content, and where they stand in a parsed sketch.

A pattern is a phrase compared stem by stem ("read replicas" matches "read replica"), where
"..." stands for up to a few words of the same clause ("copies ... database" matches "copies
of the main database"). Hyphens and spaces inside a phrase are optional ("scale-out" =
"scale out" = "scaleout"), but a match never starts or ends inside a word: "lb" does not
match "album". Every part of a match lies in one clause: a claim is not spread over two.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from engine.drills.clauses import Parsed, stem, words
from engine.drills.cues import words as plain_words

GAP = "..."
MAX_GAP = 8  # words between two parts of a pattern
_JOIN_WINDOW = 3  # words written together: "scale out" in the content, "scaleout" in the text
# "B of the A" for "A B" (`Index._turned`), not for phrases with a plain word in them.
_TURNING = frozenset({"of", "for", "on", "in"})
_DETERMINERS = frozenset({"the", "a", "an", "each", "every", "all", "our", "its", "their"})
_PLAIN = frozenset(
    stem.__wrapped__(w)  # uncached: the stem cache starts empty (bench/scoring.py checks)
    for w in plain_words(
        """a an the to of for on in at by up out off down over is are be it we you no not
        and or per more less few many one two all any each every do does use add get set make
        run go"""
    )
)
# Words that cannot stand inside a phrase: they turn it into another claim, or into two.
_NOT_INSIDE = frozenset(
    {"not", "no", "never", "without", "nor", "or", "and", "but", "than", "vs", "instead",
     "rather", "don't", "doesn't", "isn't", "aren't", "won't", "can't", "cannot", "non",
     "only", "also", "then", "%", "per"}
)  # fmt: skip


def valid(pattern: str) -> bool:
    """A phrase, or phrases separated by " ... "; each part has a word."""
    parts = pattern.strip().lstrip("!").split(f" {GAP} ")
    return all(words(part) and GAP not in part for part in parts)


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str  # as written in the content
    parts: tuple[tuple[str, ...], ...]  # stems of each part
    together: str  # a one-part pattern's words written together, stemmed ("scaleout")
    stems: frozenset[str] = frozenset()  # every stem of every part: a match needs them all

    @classmethod
    def of(cls, text: str) -> Pattern:
        parts = tuple(tuple(stem(w) for w in words(part)) for part in text.split(GAP))
        parts = tuple(p for p in parts if p)
        first = words(text.split(GAP, 1)[0])
        together = stem("".join(first)) if len(parts) == 1 and len(first) > 1 else ""
        return cls(text, parts, together, frozenset(s for part in parts for s in part))

    @property
    def vocabulary(self) -> set[str]:
        return {w for part in self.text.split(GAP) for w in words(part)}


class Occurrence(NamedTuple):  # a tuple: cheap to make, as the sketch has hundreds
    start: int  # first word index
    end: int  # one past the last word index
    clause: int


@lru_cache(maxsize=64)
def _prefixes(forms: frozenset[str]) -> frozenset[str]:
    """The beginnings of each form (a drill's set is the same object every time)."""
    return frozenset(form[:k] for form in forms for k in range(2, len(form)))


class Index:
    """Where each stem stands in a sketch, including the words written together
    ("scaleout" for "scale out") and the typo corrections made for this drill."""

    def __init__(
        self, parsed: Parsed, alternatives: dict[int, str], together: frozenset[str]
    ) -> None:
        self.parsed = parsed
        self.positions: dict[str, list[int]] = {}
        positions = self.positions
        for index, word_stem in enumerate(parsed.stems):
            found = positions.get(word_stem)
            if found is None:
                positions[word_stem] = [index]
            else:
                found.append(index)
        self.alternatives = alternatives
        for index, alternative in sorted(alternatives.items()):
            positions.setdefault(alternative, []).append(index)
        for alternative in set(alternatives.values()):  # the only lists out of order
            positions[alternative].sort()
        self.runs: dict[str, list[tuple[int, int]]] = {}  # together-stem -> (start, end)
        if together:
            self._index_runs(together)
        # Every place of a part, found once per sketch: many patterns share a part ("shard
        # ... writes", "sharding ... writes"). In `_part`'s order, and sorted by start.
        self._places: dict[tuple[str, ...], tuple[list[tuple[int, int]], list[int], list[int]]] = {}

    def _index_runs(self, together: frozenset[str]) -> None:
        """Runs of 2-3 words that, written together, make a one-word pattern ("cache aside"
        for "cacheaside") or a phrase's together form; only runs whose first word begins one
        of those forms are stemmed."""
        starts = _prefixes(together)
        ws = self.parsed.words
        clause_of = self.parsed.clause_of
        for index, word in enumerate(ws):
            if word not in starts:
                continue
            joined = word
            for width in range(2, _JOIN_WINDOW + 1):
                end = index + width
                if end > len(ws) or clause_of[end - 1] != clause_of[index]:
                    break
                joined += ws[end - 1]
                joined_stem = stem(joined)
                if joined_stem in together:
                    self.runs.setdefault(joined_stem, []).append((index, end))

    def find(self, pattern: Pattern) -> list[Occurrence]:
        """Every place the pattern stands, in text order of its first word."""
        first = pattern.parts[0][0]
        if first not in self.positions and first not in self.runs and not pattern.together:
            return []
        clause_of = self.parsed.clause_of
        found: list[Occurrence] = []
        later = pattern.parts[1:]
        if later and not all(self._places_of(part)[1] for part in later):
            return found  # a later part stands nowhere: "shard ... data size" without "size"
        for start, end in self._places_of(pattern.parts[0])[0]:
            last = end
            clause = clause_of[start]
            for part in later:
                following = self._next(part, last, clause)
                if following is None:
                    break
                last = following
            else:
                if clause_of[last - 1] == clause:
                    found.append(Occurrence(start, last, clause))
        if pattern.together:
            for index in self.positions.get(pattern.together, ()):
                found.append(Occurrence(index, index + 1, clause_of[index]))
        return found

    def _places_of(
        self, part: tuple[str, ...]
    ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        """(places in `_places`' order; their starts and ends, sorted by start)."""
        known = self._places.get(part)
        if known is None:
            places = self._part(part)
            ordered = sorted(places) if len(places) > 1 else places
            known = self._places[part] = (
                places,
                [start for start, _ in ordered],
                [end for _, end in ordered],
            )
        return known

    def _part(self, part: tuple[str, ...]) -> list[tuple[int, int]]:
        """(start, end) of each place `part` stands: its turned form ("lag on the replicas"),
        then in text order, then written together ("scaleout")."""
        runs = self.runs.get(part[0], [])
        starts = self.positions.get(part[0])
        if starts is None:
            return list(runs) if len(part) == 1 else []
        if len(part) == 1:
            return [(start, start + 1) for start in starts] + runs
        stems = self.parsed.stems
        found = self._turned(part, stems) if len(part) == 2 else []
        second = part[1]
        alternatives = self.alternatives
        count = len(stems)
        # The second word (or the one after it) rules out most places before the whole
        # phrase is compared.
        if alternatives:
            likely = [
                start
                for start in starts
                if start + 1 < count
                and (
                    stems[start + 1] == second
                    or alternatives.get(start + 1) == second
                    or (start + 2 < count and stems[start + 2] == second)
                )
            ]
        else:
            likely = [
                start
                for start in starts
                if start + 1 < count
                and (
                    stems[start + 1] == second or (start + 2 < count and stems[start + 2] == second)
                )
            ]
        for start in likely:
            end = self._phrase_end(part, start, stems)
            if end is not None:
                found.append((start, end))
        return found

    def _turned(self, part: tuple[str, ...], stems: list[str]) -> list[tuple[int, int]]:
        """A two-word name said the other way round with "of", "for", "on", "in":
        "invalidation of the cache" is "cache invalidation", "lag on the replicas" is
        "replica lag", "pooling of connections" is "connection pooling"."""
        first, second = part
        found: list[tuple[int, int]] = []
        if first in _PLAIN or second in _PLAIN:
            return found
        words, segment_of = self.parsed.words, self.parsed.segment_of
        count = len(stems)
        for start in self.positions.get(second, ()):
            index = start + 1
            if index >= count or words[index] not in _TURNING:
                continue
            index += 1
            if index < count and words[index] in _DETERMINERS:
                index += 1
            if (
                index < count
                and self._is(index, first, stems)
                and segment_of[index] == segment_of[start]
            ):
                found.append((start, index + 1))
        return found

    def _is(self, index: int, wanted: str, stems: list[str]) -> bool:
        return stems[index] == wanted or self.alternatives.get(index) == wanted

    def _phrase_end(self, part: tuple[str, ...], start: int, stems: list[str]) -> int | None:
        """One past the phrase's last word, where each word follows the one before it or
        has one other word between them, in the same segment: "scale it up" is "scale up",
        "bigger ec2 instance" is "bigger instance". A negation or a joining word in between
        ("not", "or", "than") breaks the phrase."""
        index = start
        count = len(stems)
        words, segment_of = self.parsed.words, self.parsed.segment_of
        for wanted in part[1:]:
            if index + 1 < count and self._is(index + 1, wanted, stems):
                index += 1
            elif (
                index + 2 < count
                and self._is(index + 2, wanted, stems)
                and words[index + 1] not in _NOT_INSIDE
                and segment_of[index + 2] == segment_of[index]
            ):
                index += 2
            else:
                return None
        return index + 1

    def _next(self, part: tuple[str, ...], after: int, clause: int) -> int | None:
        """End of the first place `part` stands within MAX_GAP words after `after`."""
        _, starts, ends = self._places_of(part)
        best = None
        clause_of = self.parsed.clause_of
        for at in range(bisect_left(starts, after), bisect_right(starts, after + MAX_GAP)):
            end = ends[at]
            if clause_of[starts[at]] == clause and (best is None or end < best):
                best = end
        return best
