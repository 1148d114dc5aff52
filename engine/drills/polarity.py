"""Whether the sketch affirms what a pattern names, rejects it, or only asks about it.

Rejected: a negation shortly before it in the same segment ("we don't need a cache", "no
CDN, never shard", "instead of replicas"), or a verdict shortly after it in the same clause
("TTL is pointless", "replicas won't help", "lag is irrelevant"), or a clause that rejects the
one before it ("replicas have lag, so they aren't safe"; "queues add latency, so no").
Dismissive rejections ("irrelevant", "not a concern", "is fine") also reject a *concern*:
naming a problem in order to prevent it ("avoid a stampede", "no single point of failure")
still shows the writer knows it. Asked: a question ("should we shard?") or a deferral ("maybe
later if needed"). Conditional: a segment that starts with "if" or "unless" states nothing,
so it neither rejects anything nor springs a trap.
"""

from __future__ import annotations

from bisect import bisect_right
from enum import StrEnum
from typing import NamedTuple

from engine.drills.clauses import Parsed
from engine.drills.cues import (
    AFTER_BREAKERS,
    BARRIER,
    BREAKERS,
    CUE_PAIRS,
    CUE_TRIPLES,
    DEFERRING,
    DENIALS,
    DISMISS_AFTER,
    DISMISS_BEFORE,
    IMPERATIVE,
    LIGHT,
    NEGATORS,
    NOT_REJECTING,
    REFUSE_AFTER,
)
from engine.drills.patterns import Occurrence


class Polarity(StrEnum):
    AFFIRMED = "affirmed"
    REJECTED = "rejected"
    ASKED = "asked"


# Enum members as plain names: an attribute of an enum class costs ~100 ns, and stances are
# read hundreds of times per sketch.
_AFFIRMED, _REJECTED, _ASKED = Polarity.AFFIRMED, Polarity.REJECTED, Polarity.ASKED


class Stance(NamedTuple):  # a tuple: cheap to make, as every place gets one
    polarity: Polarity
    dismissive: bool = False  # rejected as unimportant, not refused as a move
    conditional: bool = False  # in an "if ..." segment


AFFIRMED = Stance(_AFFIRMED)
_BEFORE_WORDS = frozenset(
    {*NEGATORS, *BREAKERS, *DENIALS, "forget", "forgetting", "ignore", "about"}
    | {pair[1] for pair in CUE_PAIRS}
    | {triple[2] for triple in CUE_TRIPLES}
)
_DISMISS_LASTS = frozenset(cue[-1] for cue in DISMISS_BEFORE)
_REACH = 7  # words between a negation and what it rejects
_AFTER_GAP = 7
_CUES_BY_FIRST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _kind, _cues in (("dismiss", DISMISS_AFTER), ("refuse", REFUSE_AFTER)):  # dismissals first
    for _cue in _cues:
        _CUES_BY_FIRST.setdefault(_cue[0], []).append(
            (_kind, _cue)
        )  # words between the pattern and a verdict after it
# The same cues by their first two words (a one-word cue by its word and ""), each with its
# place in `_CUES_BY_FIRST`, so a word tries only the cues its next word can continue.
_CUES_BY_PAIR: dict[tuple[str, str], list[tuple[int, str, tuple[str, ...]]]] = {}
for _first, _listed in _CUES_BY_FIRST.items():
    for _order, (_kind, _cue) in enumerate(_listed):
        _pair = (_first, _cue[1] if len(_cue) > 1 else "")
        _CUES_BY_PAIR.setdefault(_pair, []).append((_order, _kind, _cue))
_PRONOUNS = frozenset({"they", "it", "that", "this", "these", "those", "which", "it's", "that's"})
# A clause that is only a "no" to the one before: "Some reach for X; we shouldn't."
_BARE_NOES = (
    ["no"], ["nope"], ["not", "needed"], ["we", "shouldn't"], ["we", "won't"], ["we", "don't"],
    ["not", "here"], ["no", "thanks"], ["never"], ["not", "worth", "it"], ["not", "for", "us"],
    ["i", "disagree"], ["we", "disagree"], ["not", "true"], ["that's", "not", "true"],
    ["that's", "wrong"], ["i", "don't", "buy", "it"],
)  # fmt: skip
# A clause that goes on with a verdict on the one before: "X sounds good, but is not needed".
_VERDICT_VERBS = frozenset({"is", "are", "would", "will", "won't", "isn't", "aren't", "wouldn't"})
_HEDGES = (
    ("if", "needed"), ("if", "necessary"), ("if", "required"), ("maybe", "later"),
    ("look", "into"), ("later", "if"), ("might", "consider"), ("could", "consider"),
    ("not", "sure"),
)  # fmt: skip
_HEDGE_FIRSTS = frozenset(first for first, _ in _HEDGES)
_CONDITIONS = frozenset({"if", "unless", "suppose", "assuming"})
_MAIN_SUBJECTS = frozenset(
    {"then", "we", "i", "you", "we'll", "i'd", "we'd", "i'll", "you'll", "just", "simply", "always"}
)


class Reader:
    """Stances of occurrences in one parsed sketch; per-clause facts are worked out once."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        ws, segment_of = parsed.words, parsed.segment_of
        self._segment_starts = parsed.segment_starts
        # Words that can end a negation's reach or be one: the others are skipped quickly.
        self._interesting = [w in _BEFORE_WORDS for w in ws]
        self._barrier_after = [False] * len(ws)
        starts = parsed.starts
        for mark in BARRIER.finditer(parsed.folded):
            before = bisect_right(starts, mark.start()) - 1
            if 0 <= before < len(ws) - 1:
                self._barrier_after[before] = True
        self._cues = self._cue_starts()
        # Cues that open a segment ("..., not worth it"), in text order.
        self._opening_cues = [
            at
            for at, cue in enumerate(self._cues)
            if cue and at and segment_of[at] != segment_of[at - 1]
        ]
        self._rejects_previous: dict[int, bool] = {}  # worked out for the clauses asked about
        self._hedged = self._hedged_segments()
        self._memo: dict[tuple[int, int, bool], Stance] = {}  # one stance per place and reading

    def stance(self, occurrence: Occurrence, concern: bool = False, loose: bool = False) -> Stance:
        """`loose`: any negation just after also rejects ("replicas don't add write
        capacity"), for what an item advises against."""
        key = (occurrence.start, occurrence.end, concern)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._stance(occurrence, concern)
        if loose and self._negated_after(occurrence):
            if found.polarity is _AFFIRMED:
                return Stance(_REJECTED, conditional=found.conditional)
            if self._rejected_by_next(occurrence):
                # "replicas don't help with writes, but I disagree": a no to a no
                return Stance(_AFFIRMED, conditional=found.conditional)
        return found

    def _rejected_by_next(self, occurrence: Occurrence) -> bool:
        clauses = self.parsed.clauses
        following = occurrence.clause + 1
        return (
            following < len(clauses)
            and clauses[following].sentence == clauses[occurrence.clause].sentence
            and self._rejects(following)
        )

    def _negated_after(self, occurrence: Occurrence) -> bool:
        ws, segment_of = self.parsed.words, self.parsed.segment_of
        stop = min(len(ws), occurrence.end + 3)
        return any(
            ws[at] in NEGATORS and segment_of[at] == segment_of[occurrence.end - 1]
            for at in range(occurrence.end, stop)
        )

    def _stance(self, occurrence: Occurrence, concern: bool) -> Stance:
        parsed = self.parsed
        clause = parsed.clauses[occurrence.clause]
        conditional = self._conditional(occurrence.start)
        if clause.question or self.parsed.segment_of[occurrence.start] in self._hedged:
            return Stance(_ASKED, conditional=conditional)
        if occurrence.start and parsed.words[occurrence.start - 1] in DEFERRING:
            return Stance(_ASKED, conditional=conditional)  # "before sharding anything"
        before = self._before(occurrence.start)
        after = self._after(occurrence.end, clause.end)
        if before == "dismiss" or after == "dismiss":
            return Stance(_REJECTED, dismissive=True, conditional=conditional)
        supposing = (
            parsed.words[clause.start] in _CONDITIONS
        )  # "if it's IO, a bigger box buys nothing"
        if not (conditional or supposing or concern) and "refuse" in (before, after):
            return Stance(_REJECTED, conditional=conditional)
        following = occurrence.clause + 1
        if (
            following < len(parsed.clauses)
            and self._rejects(following)
            and parsed.clauses[following].sentence == clause.sentence
        ):
            return Stance(_REJECTED, dismissive=True, conditional=conditional)
        return Stance(_AFFIRMED, conditional=conditional)

    def _before(self, start: int) -> str:
        """ "refuse", "dismiss" or "" for the words just before `start` in its segment."""
        ws = self.parsed.words
        first = self._segment_starts[self.parsed.segment_of[start]]
        folded, offsets = self.parsed.folded, self.parsed.offsets
        interesting, barrier = self._interesting, self._barrier_after
        for index in range(start - 1, max(first, start - _REACH - 1) - 1, -1):
            if barrier[index]:
                return ""  # "without downtime: we hash user_id" - the negation ended
            if not interesting[index]:
                continue
            word = ws[index]
            if (
                word in _DISMISS_LASTS
                and any(self._has(index - len(cue) + 1, cue, first) for cue in DISMISS_BEFORE)
            ) and (word != "ignore" or index == first or ws[index - 1] in IMPERATIVE):
                return "dismiss"
            nxt = ws[index + 1] if index + 1 < len(ws) else ""
            earlier = ws[max(first, index - 2) : index]
            if word in ("forget", "forgetting") and earlier and earlier[-1] in NEGATORS:
                return ""  # "don't forget the DNS provider" keeps it
            if word in NEGATORS and "why" in earlier:
                return ""  # "why aren't we on an ALB" asks for it
            hyphened = folded[offsets[index][1] : offsets[index][1] + 1] == "-"
            if word in DENIALS and set(ws[index + 1 : start]) <= LIGHT:
                return "dismiss"  # "it's not really a herd problem", "I doubt it's lag"
            if (
                (word in NEGATORS and nxt not in NOT_REJECTING and not hyphened)
                or (index > first and (ws[index - 1], word) in CUE_PAIRS)
                or tuple(ws[max(first, index - 2) : index + 1]) in CUE_TRIPLES
            ):
                return "refuse"
            if word in BREAKERS:
                return ""
        return ""

    def _has(self, at: int, cue: tuple[str, ...], first: int) -> bool:
        ws = self.parsed.words
        return at >= first and tuple(ws[at : at + len(cue)]) == cue

    def _after(self, end: int, clause_end: int) -> str:
        """A verdict shortly after, or one that opens a later segment of the clause
        ("splitting the key means N writes, not worth it")."""
        ws = self.parsed.words
        segment_of = self.parsed.segment_of
        cues = self._cues
        if end < clause_end and ws[end] == "nothing":
            return "refuse"  # "sticky sessions solve nothing"
        if (
            end < clause_end
            and ws[clause_end - 1] in ("no", "nope")
            and segment_of[clause_end - 1] != segment_of[end - 1]
            and (clause_end - 1 == end or segment_of[clause_end - 2] != segment_of[clause_end - 1])
        ):
            return "refuse"  # "multi-master, no."
        opening = self._opening_cues
        at_first = bisect_right(opening, end)
        if at_first < len(opening) and opening[at_first] < clause_end:
            return cues[opening[at_first]]
        for at in range(end, min(clause_end, end + _AFTER_GAP + 1)):
            if segment_of[at] != segment_of[end - 1]:
                return ""  # "retry until it works, backoff just makes users wait": not its verdict
            if ws[at] == "fine" and (at + 1 == clause_end or segment_of[at + 1] != segment_of[at]):
                return "dismiss"  # "80% is fine." but not "fine as an extra layer"
            if cues[at]:
                return cues[at]
            if ws[at] in AFTER_BREAKERS:
                return ""
        return ""

    def _cue_starts(self) -> list[str]:
        """Per word: "dismiss" or "refuse" where a verdict cue starts there, else ""."""
        ws = self.parsed.words
        found = [""] * len(ws)
        by_first, by_pair = _CUES_BY_FIRST, _CUES_BY_PAIR
        count = len(ws)
        for index in [i for i, word in enumerate(ws) if word in by_first]:
            word = ws[index]
            tried = [
                *by_pair.get((word, ""), ()),
                *(by_pair.get((word, ws[index + 1]), ()) if index + 1 < count else ()),
            ]
            for _, kind, cue in sorted(tried) if len(tried) > 1 else tried:
                if tuple(ws[index : index + len(cue)]) == cue:
                    found[index] = kind
                    break
        return found

    def _conditional(self, start: int) -> bool:
        """Inside the condition of "if X, Y" / "if X we Y": the condition ends at the
        segment's end or at the subject of the main clause."""
        first = self._segment_starts[self.parsed.segment_of[start]]
        ws = self.parsed.words
        if ws[first] not in _CONDITIONS:
            return False
        return all(ws[index] not in _MAIN_SUBJECTS for index in range(first + 2, start + 1))

    def _rejects(self, index: int) -> bool:
        known = self._rejects_previous.get(index)
        if known is None:
            known = self._rejects_previous[index] = self._rejects_before(index)
        return known

    def _rejects_before(self, index: int) -> bool:
        """A clause like "so they aren't safe", "which is pointless" or a bare "no"."""
        clause = self.parsed.clauses[index]
        first = clause.start
        ws = self.parsed.words
        if first < clause.end and ws[first] in ("so", "and", "but", "because", "since", "which"):
            first += 1
        if ws[first : clause.end] in _BARE_NOES:
            return True
        if first >= clause.end or ws[first] not in _PRONOUNS | _VERDICT_VERBS:
            return False
        return any(self._cues[at] for at in range(first + 1, min(clause.end, first + 6)))

    def _hedged_segments(self) -> set[int]:
        """Segments that defer or hedge: "maybe later if needed", "look into scaling"."""
        ws, segment_of = self.parsed.words, self.parsed.segment_of
        found = set()
        last = len(ws) - 1
        for index in [i for i, word in enumerate(ws) if word in _HEDGE_FIRSTS and i < last]:
            word = ws[index]
            if (word, ws[index + 1]) in _HEDGES and segment_of[index] == segment_of[index + 1]:
                found.add(segment_of[index])
        return found
