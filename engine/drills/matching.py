"""Match a learner's free-text sketch against checklist keywords, deterministically.

Both sides are lowercased and split into words; words are compared by their Snowball stem, so
"replicas" matches "replica" and "caching" matches "cache". A phrase matches consecutive words,
and hyphens and spaces inside a phrase are optional ("scale-out" = "scale out" = "scaleout"),
but a match never starts or ends inside a word: "lb" does not match "album". Numbers are read
in the forms people write ("~50k", "49.5k", "49,500", "1.2M") and matched with a tolerance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
# 49,500 · 49.5k · ~50k · 1.2m · 5,000/s · 99% (the % is left to the reader of the value)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([kmb])?(?![a-z0-9])")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}
# Phrases of up to this many words are also compared with their spaces removed.
_JOIN_WINDOW = 3
# Words that, shortly before a phrase, reject it ("don't" is split into "don" and "t").
_NEGATIONS = frozenset(
    {
        "no",
        "not",
        "never",
        "without",
        "avoid",
        "don",
        "doesn",
        "shouldn",
        "mustn",
        "isn",
        "cannot",
        "nor",
        "instead",
    }
)
_NEGATION_REACH = 3

_stemmer = Stemmer.Stemmer("english")


_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball stem, made to agree on forms it leaves apart: acronym plurals ("ttls",
    "cdns", "jwts": no vowel, so no English plural rule applies) and a final e ("queue" and
    "queued" stem to "queue" and "queu"). Both sides of a match go through here."""
    if len(word) > 2 and word.endswith("s") and not _VOWELS & set(word):
        word = word[:-1]
    return str(_stemmer.stemWord(word)).removesuffix("e") or word


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).lower()
    return _WORD.findall(folded)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A keyword prepared for matching."""

    text: str  # as written in the content
    stems: tuple[str, ...]
    written_together: str  # the words without spaces: "scale out" -> "scaleout"
    joined: str  # the stem of that

    @classmethod
    def of(cls, keyword: str) -> Phrase:
        parts = words(keyword)
        together = "".join(parts)
        return cls(keyword, tuple(stem(p) for p in parts), together, stem(together))


class Sketch:
    """A learner's text, indexed once so that each phrase is checked in a few lookups."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.words = words(text)
        self.stems = [stem(w) for w in self.words]
        self._starts: dict[str, list[int]] = {}
        self._positions: dict[str, list[int]] = {}
        for index, (word, word_stem) in enumerate(zip(self.words, self.stems, strict=True)):
            self._starts.setdefault(word_stem, []).append(index)
            self._positions.setdefault(word, []).append(index)
        self._numbers: list[tuple[str, float]] | None = None

    def find(self, phrase: Phrase) -> str | None:
        """The words of the sketch that match the phrase, or None."""
        for start, width in self._occurrences(phrase):
            return " ".join(self.words[start : start + width])
        return None

    def find_affirmed(self, phrase: Phrase) -> str | None:
        """Like `find`, but an occurrence just after a negation ("don't retry immediately",
        "never without a timeout") does not count: the writer is rejecting it."""
        for start, width in self._occurrences(phrase):
            if not _NEGATIONS & set(self.words[max(0, start - _NEGATION_REACH) : start]):
                return " ".join(self.words[start : start + width])
        return None

    def _occurrences(self, phrase: Phrase) -> Iterator[tuple[int, int]]:
        """(start, width) of every place the phrase stands, word by word or written together."""
        if not phrase.stems:
            return
        width = len(phrase.stems)
        for start in self._starts.get(phrase.stems[0], ()):
            if tuple(self.stems[start : start + width]) == phrase.stems:
                yield start, width
        yield from self._written_together(phrase)

    def _written_together(self, phrase: Phrase) -> Iterator[tuple[int, int]]:
        """The phrase with its spaces and hyphens dropped or added: "scaleout" in the text for
        "scale out" in the content, or "cache aside" for "cacheaside". Only words that begin
        the phrase's letters can start such a run, so only those are tried."""
        for index in self._starts.get(phrase.joined, ()):
            yield index, 1
        together = phrase.written_together
        for cut in range(1, len(together)):
            for start in self._positions.get(together[:cut], ()):
                for width in range(2, _JOIN_WINDOW + 1):
                    run = self.words[start : start + width]
                    if len(run) == width and stem("".join(run)) == phrase.joined:
                        yield start, width

    @property
    def numbers(self) -> list[tuple[str, float]]:
        if self._numbers is None:  # only drills with numeric items need them
            self._numbers = _numbers(self._text)
        return self._numbers

    def find_number(
        self, expected: float, tolerance: float, ignore: tuple[float, ...] = ()
    ) -> str | None:
        """A number in the sketch within `tolerance` (relative) of `expected`, as written;
        numbers equal to one in `ignore` (the prompt's own) do not count."""
        for written, value in self.numbers:
            if any(abs(value - given) <= 0.005 * abs(given) for given in ignore):
                continue
            if abs(value - expected) <= tolerance * abs(expected):
                return written
        return None


def _numbers(text: str) -> list[tuple[str, float]]:
    found = []
    for match in _NUMBER.finditer(text.lower()):
        digits, scale = match.groups()
        value = float(digits.replace(",", "")) * _SCALE.get(scale or "", 1.0)
        found.append((match.group(0).strip(), value))
    return found
