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
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import Stemmer

# Words, with an English contraction kept whole ("don't", "it's"); "n+1" is "n", "1"; "%" is
# a word of its own ("80%", "hash(id) % 4").
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|%")
# Clause ends inside a line: sentence ends, semicolons, spaced dashes, arrows between clauses.
_CLAUSE_END = re.compile(r"[.!?]+(?=\s|$)|;|\s[—–-]{1,2}\s")
_BULLET = re.compile(r"^\s*(?:[-*•·+>]+|\(?\d{1,2}[.)]|\(?[a-h][.)])\s+")
# Words that start a new clause: the claim after them is a different one.
_SPLIT_WORDS = frozenset(
    {"but", "however", "although", "though", "whereas", "so", "because", "since", "otherwise",
     "thus", "hence", "therefore", "tho", "bc", "while"}
)  # fmt: skip
_SPLIT_PAIRS = frozenset({("and", "then"), ("which", "means"), ("that", "means"), ("and", "so")})
_SPLIT_FIRSTS = _SPLIT_WORDS | {second for _, second in _SPLIT_PAIRS}
_VOWELS = frozenset("aeiouy")

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The Snowball stem, made to agree on forms it leaves apart: acronym plurals ("ttls",
    "cdns": no vowel, so no English plural rule applies) and a final e ("queue" and "queued"
    stem to "queue" and "queu"); then the stem of the word practitioners use for the same
    thing (`SAME_THING`): "follower" is "replica". Both sides of a match go through here."""
    found = _stem(word)
    return _SAME.get(found, found)


def _stem(word: str) -> str:
    if len(word) > 2 and word.endswith("s") and not _VOWELS & set(word):
        word = word[:-1]
    if "is" in word or "ys" in word:  # British spelling: "utilisation", "stabilise", "analyse"
        word = _BRITISH.sub(_american, word)
    return str(_stemmer.stemWord(word)).removesuffix("e") or word


# "-ise" after a vowel and l, m, n, r or t ("utilise", "optimise", "externalised",
# "prioritising"), "-isation" and "-yse": the stemmer leaves them apart from the "-ize" forms.
_BRITISH = re.compile(
    r"(?<=[aeiou][lmnrt])is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)|ys(?=(?:e|ed|es|ing)$)"
)


def _american(match: re.Match[str]) -> str:
    return "iz" if match.group() == "is" else "yz"


# Words used interchangeably for one thing in this subject, the first standing for the rest:
# a pattern written with one matches a sketch written with another. Only words that mean
# the same wherever they stand in a design answer (not "node", "call" or "delay").
SAME_THING = (
    ("replica", "follower", "slave", "secondary"),
    ("primary", "master", "leader"),
    ("database", "db", "rdbms"),
    ("server", "box", "machine", "host", "instance", "vm"),
    ("big", "large", "huge"),
    ("bigger", "larger"),
    ("biggest", "largest"),
)
_SAME = {_stem(other): _stem(group[0]) for group in SAME_THING for other in group[1:]}


def fold(text: str) -> str:
    """Lowercase, compatibility forms folded, curly apostrophes straightened."""
    return unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class Clause(NamedTuple):  # a tuple: cheap to make
    start: int  # first word index
    end: int  # one past the last word index
    text: str  # as the learner wrote it, trimmed
    question: bool  # ends with "?"
    sentence: int  # clauses of one sentence or bullet share this number


class Parsed:
    """The words of a sketch with their stems, offsets, clause and segment.

    Words are found in one pass; clause and segment boundaries are found as events (line
    and sentence ends, semicolons, dashes, the words that start a new claim, commas) and
    laid over the words, so a 4,000-character sketch costs a few passes in C and one light
    loop in Python."""

    def __init__(self, text: str) -> None:
        folded = fold(text)
        self.folded = folded
        # Clauses are quoted from the learner's text where folding kept the offsets.
        self.text = text if len(text) == len(folded) else folded
        self.words: list[str] = []
        self.offsets: list[tuple[int, int]] = []
        self.starts: list[int] = []  # each word's first character
        self.clause_of: list[int] = []
        self.segment_of: list[int] = []
        self.clauses: list[Clause] = []
        self.explained: set[int] = set()  # clauses of bullets under a header line
        self.headers: list[str] = []  # each header line ("what you lose:"), folded
        self.blocks: list[list[int]] = []  # per header, the clauses of the bullets under it
        self.segment_starts: list[int] = []  # first word of each segment
        self.segment_lengths: list[int] = []  # words per segment
        self._lay_out(self._pieces(folded))
        self.stems = [stem(w) for w in self.words]

    def _pieces(self, folded: str) -> list[tuple[int, int, int, int]]:
        """(first word, end word, end character, header bullet) of each clause candidate:
        the text between line ends, sentence ends, semicolons and spaced dashes. The words
        are found in one pass over the text; a piece takes those that start inside it (no
        word crosses a piece's edge: the edges are spaces and punctuation), and words that
        start no piece (a bullet's "1." or "a)") are dropped."""
        found = _WORD.findall(folded)
        # Between two words stand only characters that no word has, so each word is found
        # again by `str.find` right where the expression found it (far cheaper than spans).
        starts: list[int] = []
        offsets: list[tuple[int, int]] = []
        position = 0
        find = folded.find
        for word in found:
            start = find(word, position)
            position = start + len(word)
            starts.append(start)
            offsets.append((start, position))
        spans: list[tuple[int, int, int, int]] = []  # (first, end) in `found`
        position = 0  # of the line
        header = False  # under a line like "what you lose:", bullets say what they are
        for line in folded.split("\n"):
            line_start, position = position, position + len(line) + 1
            bullet = _BULLET.match(line)
            begin = bullet.end() if bullet else 0
            stripped = line.strip()
            # The header's number for a bullet under one, else -1.
            under = len(self.headers) - 1 if header and (bullet or line[:1].isspace()) else -1
            for piece_start, piece_end in _pieces(line, begin):
                first = bisect_left(starts, line_start + piece_start)
                last = bisect_left(starts, line_start + piece_end, first)
                if last > first:
                    spans.append((first, last, line_start + piece_end, under))
            if not stripped:
                header = False
            elif under < 0:
                header = stripped.endswith(":")
                if header:
                    self.headers.append(stripped)
                    self.blocks.append([])
        kept = sum(last - first for first, last, _, _ in spans)
        if kept == len(found):  # every word is in a piece, as in most sketches
            self.words, self.offsets, self.starts = found, offsets, starts
            return spans
        pieces = []
        for first, last, end_char, under in spans:
            count = len(self.words)
            self.words += found[first:last]
            self.offsets += offsets[first:last]
            self.starts += starts[first:last]
            pieces.append((count, len(self.words), end_char, under))
        return pieces

    def _lay_out(self, pieces: list[tuple[int, int, int, int]]) -> None:
        """Clauses and segments over the words: a clause ends at its piece's end and before
        each word that starts a new claim; a segment also ends at each comma. Segment
        numbers are a running count of those edges."""
        words, offsets, folded = self.words, self.offsets, self.folded
        count = len(words)
        starts = self.starts
        edges = bytearray(count)
        for match in _COMMA.finditer(folded):
            at = bisect_left(starts, match.end())
            if at < count:
                edges[at] = 1
        for at in _chained(folded, starts, pieces):
            edges[at] = 1
        firsts = bytearray(count)
        for first, _, _, _ in pieces:
            firsts[first] = 1
        splits = {
            index
            for index, word in enumerate(words)
            if word in _SPLIT_FIRSTS
            and index
            and not firsts[index]
            and (word in _SPLIT_WORDS or (words[index - 1], word) in _SPLIT_PAIRS)
            and words[index - 1] != word
            and not _hyphened(folded, *offsets[index])
        }
        for index in splits:
            edges[index] = 1
        for first, _, _, _ in pieces:
            edges[first] = 1
        if count:
            edges[0] = 0
        self.segment_of = list(accumulate(edges))
        # Segment numbers count up from 0: where each starts, and how many words it has.
        self.segment_starts = (
            [0, *(index for index, edge in enumerate(edges) if edge)] if count else []
        )
        ends = [*self.segment_starts[1:], count] if count else []
        self.segment_lengths = [
            end - start for start, end in zip(self.segment_starts, ends, strict=True)
        ]
        sentence = 0
        previous_piece_end = -1
        ordered = sorted(splits)
        for first, last, end_char, under in pieces:
            if previous_piece_end >= 0 and not _same_sentence(folded, previous_piece_end):
                sentence += 1
            previous_piece_end = end_char
            clause_first = first
            for index in ordered[bisect_left(ordered, first) : bisect_left(ordered, last)]:
                self._close(clause_first, index, offsets[index][0], sentence, under)
                clause_first = index
            self._close(clause_first, last, end_char, sentence, under)
        self.clause_of = [0] * count
        for number, clause in enumerate(self.clauses):
            self.clause_of[clause.start : clause.end] = [number] * (clause.end - clause.start)

    def _close(self, first: int, end: int, char_end: int, sentence: int, under: int) -> None:
        tail = self.folded[self.offsets[end - 1][1] : char_end + 1]
        char_start = self.offsets[first][0]
        if under >= 0:
            self.explained.add(len(self.clauses))
            self.blocks[under].append(len(self.clauses))
        self.clauses.append(
            Clause(
                first,
                end,
                self.text[char_start:char_end].strip(" ,.;:-—–\t"),
                "?" in tail,
                sentence,
            )
        )

    def word_at(self, offset: int) -> int | None:
        """The index of the word that starts at or contains character `offset`."""
        index = bisect_right(self.offsets, (offset, len(self.folded) + 1)) - 1
        if index < 0 or self.offsets[index][1] <= offset:
            return None
        return index


def _hyphened(folded: str, start: int, end: int) -> bool:
    """ "stale-while-revalidate": a word joined by hyphens starts no clause."""
    return folded[start - 1 : start] == "-" or folded[end : end + 1] == "-"


# A comma between two words, but not the one inside "50,000".
_COMMA = re.compile(r",\s+")
# Marks that people run terms together with instead of commas: "cdn / ttl / purge",
# "cdn | ttl", "cdn → ttl", "#cdn #ttl", "cdn + ttl". One or two of them relate two things
# ("sessions -> redis", "read/write split"); a run of them in one clause is a list. (Spaced
# dashes already end clauses.) "#" counts before a word only: "#cdn #ttl".
_CHAIN_MARKS = ("/", "|", "→", "->", "=>", "+", "•", "·", "»", "#")
CHAIN_MARKS = 4  # one mark repeated this often in a clause makes its pieces a list


def _chained(folded: str, starts: list[int], pieces: list[tuple[int, int, int, int]]) -> list[int]:
    """The first word after each mark of a run of one list mark in a clause candidate: those
    marks stand for commas. Marks are found by `str.find`, and only marks the text has often
    enough are looked for (most sketches have none)."""
    marks = [m for m in _CHAIN_MARKS if folded.count(m) >= CHAIN_MARKS]
    if not marks or not pieces:
        return []
    firsts = [starts[first] for first, _, _, _ in pieces]
    found: list[int] = []
    for mark in marks:
        by_piece: dict[int, list[int]] = {}
        at = folded.find(mark)
        while at >= 0:
            end = at + len(mark)
            if mark != "#" or (
                (at == 0 or folded[at - 1].isspace()) and folded[end : end + 1].isalnum()
            ):
                word = bisect_left(starts, end)
                piece = bisect_right(firsts, at) - 1
                if word < len(starts) and piece >= 0 and word < pieces[piece][1]:
                    by_piece.setdefault(piece, []).append(word)
            at = folded.find(mark, end)
        found += [w for words in by_piece.values() if len(words) >= CHAIN_MARKS for w in words]
    return found


def _same_sentence(folded: str, piece_end: int) -> bool:
    """Whether the clause end at `piece_end` (a semicolon or a dash) keeps the sentence."""
    mark = folded[piece_end : piece_end + 1]
    return mark not in (".", "!", "?", "\n", "")


_ABBREVIATION = re.compile(r"(?:\be\.g|\bi\.e|\bvs|\betc|[a-z]\.[a-z])$")


def _pieces(line: str, begin: int) -> list[tuple[int, int]]:
    """Spans of a line between clause ends (sentence stops, semicolons, spaced dashes)."""
    spans = []
    start = begin
    for match in _CLAUSE_END.finditer(line, begin):
        if match.group()[0] == "." and _ABBREVIATION.search(
            line, max(0, match.start() - 4), match.start()
        ):
            continue  # "e.g. redis", "i.e." and "a.b." do not end a sentence
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(line):
        spans.append((start, len(line)))
    return spans
