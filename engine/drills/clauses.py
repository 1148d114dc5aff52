"""A sketch cut into words, clauses and segments, once, so every pattern is a few lookups.

A clause is what one claim can live in: a sentence, a bullet, a line, or a part of a sentence
joined to the next by ";", a dash, "but", "so", "because", "and then", "which means", etc.
A segment is a comma-separated piece of a clause: the unit the "says something" test and the
reach of a negation use ("no CDN, never shard" rejects both; "no sharding, use a cache" only
the first). Words keep their character offsets so the learner's own clause can be quoted.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# Words, with an English contraction kept whole ("don't", "it's"); "n+1" is "n", "1"; "%" is
# a word of its own ("80%", "hash(id) % 4").
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|%")
# Clause ends inside a line: sentence ends, semicolons, spaced dashes, arrows between clauses.
_CLAUSE_END = re.compile(r"(?<![a-z]\.[a-z])(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)[.!?]+(?=\s|$)|;|\s[—–-]{1,2}\s")
_BULLET = re.compile(r"^\s*(?:[-*•·+>]+|\(?\d{1,2}[.)]|\(?[a-h][.)])\s+")
# Words that start a new clause: the claim after them is a different one.
_SPLIT_WORDS = frozenset(
    {"but", "however", "although", "though", "whereas", "so", "because", "since", "otherwise",
     "thus", "hence", "therefore", "tho", "bc", "while"}
)  # fmt: skip
_SPLIT_PAIRS = frozenset({("and", "then"), ("which", "means"), ("that", "means"), ("and", "so")})
_VOWELS = frozenset("aeiouy")

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball stem, made to agree on forms it leaves apart: acronym plurals ("ttls",
    "cdns": no vowel, so no English plural rule applies) and a final e ("queue" and "queued"
    stem to "queue" and "queu"). Both sides of a match go through here."""
    if len(word) > 2 and word.endswith("s") and not _VOWELS & set(word):
        word = word[:-1]
    return str(_stemmer.stemWord(word)).removesuffix("e") or word


def fold(text: str) -> str:
    """Lowercase, compatibility forms folded, curly apostrophes straightened."""
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass(frozen=True, slots=True)
class Clause:
    start: int  # first word index
    end: int  # one past the last word index
    text: str  # as the learner wrote it, trimmed
    question: bool  # ends with "?"
    sentence: int  # clauses of one sentence or bullet share this number


class Parsed:
    """The words of a sketch with their stems, offsets, clause and segment."""

    def __init__(self, text: str) -> None:
        folded = fold(text)
        self.folded = folded
        # Clauses are quoted from the learner's text where folding kept the offsets.
        self.text = text if len(text) == len(folded) else folded
        self.words: list[str] = []
        self.offsets: list[tuple[int, int]] = []
        self.clause_of: list[int] = []
        self.segment_of: list[int] = []
        self.clauses: list[Clause] = []
        self.explained: set[int] = set()  # clauses of bullets under a header line
        self._cut(folded)
        self.stems = [stem(w) for w in self.words]

    def _cut(self, folded: str) -> None:
        sentence = 0
        segment = 0
        position = 0
        header = False  # under a line like "what you lose:", bullets say what they are
        for line in folded.split("\n"):
            line_start, position = position, position + len(line) + 1
            bullet = _BULLET.match(line)
            begin = bullet.end() if bullet else 0
            if not line.strip():
                header = False
            first_clause = len(self.clauses)
            for piece_start, piece_end in _pieces(line, begin):
                segment = self._add_piece(
                    folded, line_start + piece_start, line_start + piece_end, sentence, segment
                )
                if folded[line_start + piece_end : line_start + piece_end + 1] in ".!?":
                    sentence += 1
            if header and (bullet or line[:1].isspace()):
                self.explained.update(range(first_clause, len(self.clauses)))
            elif line.strip():
                header = line.rstrip().endswith(":")
            sentence += 1

    def _add_piece(self, folded: str, start: int, end: int, sentence: int, segment: int) -> int:
        """One clause-candidate span, cut again at the words that start a new claim."""
        found = [(m.group(0), m.start() + start, m.end() + start) for m in _WORD.finditer(folded[start:end])]
        clause_start = len(self.words)
        clause_char = start
        previous = ""
        for index, (word, w_start, w_end) in enumerate(found):
            after = found[index + 1][0] if index + 1 < len(found) else ""
            hyphened = folded[w_start - 1 : w_start] == "-" or folded[w_end : w_end + 1] == "-"
            splits = not hyphened and (word in _SPLIT_WORDS or (previous, word) in _SPLIT_PAIRS)
            if (word, after) in _SPLIT_PAIRS:
                splits = True
            if splits and len(self.words) > clause_start and previous != word:
                self._close(folded, clause_start, clause_char, w_start, sentence)
                clause_start, clause_char = len(self.words), w_start
                segment += 1
            elif index and _comma(folded[found[index - 1][2] : w_start]):
                segment += 1
            self.words.append(word)
            self.offsets.append((w_start, w_end))
            self.clause_of.append(len(self.clauses))
            self.segment_of.append(segment)
            previous = word
        if len(self.words) > clause_start:
            self._close(folded, clause_start, clause_char, end, sentence)
        return segment + 1

    def _close(self, folded: str, first: int, char_start: int, char_end: int, sentence: int) -> None:
        tail = folded[self.offsets[len(self.words) - 1][1] : char_end + 1]
        question = "?" in tail
        self.clauses.append(
            Clause(first, len(self.words), self.text[char_start:char_end].strip(" ,.;:-—–\t"), question, sentence)
        )

    def word_at(self, offset: int) -> int | None:
        """The index of the word that starts at or contains character `offset`."""
        index = bisect_right(self.offsets, (offset, len(self.folded) + 1)) - 1
        if index < 0 or self.offsets[index][1] <= offset:
            return None
        return index


def _comma(gap: str) -> bool:
    """A comma between two words, but not the one inside "50,000"."""
    return "," in gap and any(c.isspace() for c in gap)


def _pieces(line: str, begin: int) -> list[tuple[int, int]]:
    """Spans of a line between clause ends (sentence stops, semicolons, spaced dashes)."""
    spans = []
    start = begin
    for match in _CLAUSE_END.finditer(line, begin):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(line):
        spans.append((start, len(line)))
    return spans
