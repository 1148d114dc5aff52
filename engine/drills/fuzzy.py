"""Typo tolerance: "cashe" is "cache" and "replicaton" is "replication", deterministically.

Only a word nobody would mean as written is corrected, and only to a word of this drill's own
patterns: it must be at least 5 letters, not a word of the drill's texts nor a common English
word, and one edit (a letter added, dropped, changed, or two swapped) from exactly one pattern
word with the same first letter; from 9 letters on, two edits. Short words are never touched:
"lag", "cdn" and "ttl" have too many neighbours. rapidfuzz is imported on the first correction,
not at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.drills.clauses import stem
from engine.drills.cues import words

MIN_LENGTH = 5
TWO_EDITS_FROM = 9

# Everyday words one edit away from a pattern word, which must stay what they are.
COMMON = words(
    """share shared shares sharing sharp shark least leash leased please reply replay taken
    wrote white whine roads rates rated later layer lower power tower cached caches casts
    catch cause clash class close closer cloud clouds coach count court cover crash fetch
    finer fired fixed flash fresh gates giant grade guard hence hosts house index issue
    kinds large lines links lists loads local locks looks lives makes maybe meant merge
    minor miser model modes money month moved mover needs nodes noted notes order other
    owner pages parts paste patch paths peaks pools ports posts price prime proof queue
    quite raise range reach ready relay rests right roles round route rules safer sales
    saved scare scope score serve setup shape shift short sides sight since sized skill
    slice slots small smart sorts space spare split spots stack stage stake state steps
    stick still store story sword table taker tasks teams terms their there these thing
    think those times token total touch trace track trade trust under until users value
    views waits water where which while whole worse write years yield leaves levels
    lever liked limbs lined lived loses lost lower lucky maker match mates meter metro
    miles mines mixed moral motor mount mouse nails named nerve never night noise north
    novel nurse occur offer often opens opera organ owned pains paint panel paper party
    peace pilot pitch place plain plane plant plate point polls posed pound press pride
    prior prize probe prone proud prove pulls punch quest quick quote radio rails rainy
    rapid ratio razor reads rebel refer reign relax remit renew repay rider ridge rival
    river roast robot rocky rough rover royal rural sadly saint salad scale scene sense
    setup seven shade shall shame sharp sheet shelf shell shine shirt shock shore shown
    sight sites sixth skill sleep slide slope smile smoke solid solve sorry sound south
    speak speed spend spent spite spoke sport staff stand start steel stock stone stood
    storm stuff style sugar suite super sweet swing teach tends thank theme thick third
    three threw throw tight tired title today topic tough towns trail train treat trend
    trial tried truck truly twice uncle union unity upper urban usage usual valid video
    virus visit vital voice voted waste watch wheel whose woman women world worry worth
    would wound write wrong yards young youth hosted posted folded mostly nearly partly
    simply surely easily lately build built charge charges coasts comes competing
    contention dropping falls feeds healthy logic machinery matter multiply reader readers
    relocated safety simple stable though writers maxreplicas minreplicas tables cables
    stables label labels"""
)


class Corrector:
    """Corrections towards one drill's pattern words; each word is worked out once."""

    def __init__(self, vocabulary: Iterable[str], known: Iterable[str]) -> None:
        self._targets: dict[str, list[str]] = {}  # first letter -> pattern words
        targets = sorted(
            {w for w in vocabulary if len(w) >= MIN_LENGTH and w.isalpha() and w not in COMMON}
        )
        for word in targets:
            self._targets.setdefault(word[0], []).append(word)
        self._known = {stem(w) for w in known} | {stem(w) for w in vocabulary}
        self._known.update(stem(w) for w in COMMON)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The stem of the pattern word `word` is a typo of, or None."""
        try:
            return self._cache[word]
        except KeyError:
            pass
        found = self._work_out(word)
        if len(self._cache) < 50_000:
            self._cache[word] = found
        return found

    def _work_out(self, word: str) -> str | None:
        if len(word) < MIN_LENGTH or not word.isalpha() or word in COMMON:
            return None
        if stem(word) in self._known:
            return None
        from rapidfuzz.distance import DamerauLevenshtein

        limit = 2 if len(word) >= TWO_EDITS_FROM else 1
        best: dict[tuple[int, int], set[str]] = {}  # (edits, length difference) -> stems
        for target in self._targets.get(word[0], ()):
            if abs(len(target) - len(word)) > limit:
                continue
            distance = DamerauLevenshtein.distance(word, target, score_cutoff=limit)
            if distance <= limit:
                best.setdefault((distance, abs(len(target) - len(word))), set()).add(stem(target))
        if not best:
            return None
        # Fewest edits first, then a word of the same length ("cashe" is "cache", not "case");
        # still two candidates: no guess.
        closest = best[min(best)]
        return next(iter(closest)) if len(closest) == 1 else None
