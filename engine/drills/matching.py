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
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[a-z0-9]+")
# 49,500 · 49.5k · ~50k · 1.2m · 5,000/s · 99% (the % is left to the reader of the value)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([kmb])?(?![a-z0-9])")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}
# Phrases of up to this many words are also compared with their spaces removed.
_JOIN_WINDOW = 3

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).lower()
    return _WORD.findall(folded)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A keyword prepared for matching."""

    text: str  # as written in the content
    stems: tuple[str, ...]
    joined: str  # the stem of the words written together: "scale out" -> stem("scaleout")

    @classmethod
    def of(cls, keyword: str) -> Phrase:
        parts = words(keyword)
        return cls(keyword, tuple(stem(p) for p in parts), stem("".join(parts)))


class Sketch:
    """A learner's text, indexed once so that each phrase is checked in about O(1)."""

    def __init__(self, text: str) -> None:
        self.words = words(text)
        self.stems = [stem(w) for w in self.words]
        self._starts: dict[str, list[int]] = {}
        for index, word_stem in enumerate(self.stems):
            self._starts.setdefault(word_stem, []).append(index)
        self._joined: dict[str, tuple[int, int]] = {}
        for index in range(len(self.words)):
            for width in range(1, _JOIN_WINDOW + 1):
                if index + width > len(self.words):
                    break
                joined = stem("".join(self.words[index : index + width]))
                self._joined.setdefault(joined, (index, width))
        self.numbers = _numbers(text)

    def find(self, phrase: Phrase) -> str | None:
        """The words of the sketch that match the phrase, or None."""
        if not phrase.stems:
            return None
        width = len(phrase.stems)
        for start in self._starts.get(phrase.stems[0], ()):
            if tuple(self.stems[start : start + width]) == phrase.stems:
                return " ".join(self.words[start : start + width])
        hit = self._joined.get(phrase.joined)
        if hit is not None:
            start, span = hit
            return " ".join(self.words[start : start + span])
        return None

    def find_number(self, expected: float, tolerance: float) -> str | None:
        """A number in the sketch within `tolerance` (relative) of `expected`, as written."""
        for written, value in self.numbers:
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
