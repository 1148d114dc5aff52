"""The reveal's verdict: what the sketch claims about each checklist item, and its traps.

Credit follows claims, not words. The sketch is cut into clauses (`clauses`); each place an
item's evidence stands gets a polarity (`polarity`); a clause that only lists terms with
nothing said about them earns nothing; the content says, per pattern, whether affirming it
covers the item or contradicts it (`evidence.Kind`). An item is then covered (with the
learner's clause as evidence), contradicted (counting as not covered everywhere), or missed.
A trap fires on an affirmed clause; where it fires, the items it opposes cannot be ticked by
that clause and are contradicted by it. Numeric items need this attempt's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from engine.content.models import ChecklistEntry, Drill, Trap
from engine.drills.arithmetic import compact, evaluate
from engine.drills.texts import values

if TYPE_CHECKING:
    from engine.drills.claims import Claims, Finding, ItemFindings

__all__ = ["ItemVerdict", "Status", "Verdict", "expected_numbers", "score"]


class Status(StrEnum):
    COVERED = "covered"
    CONTRADICTED = "contradicted"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class ItemVerdict:
    item: ChecklistEntry
    status: Status = Status.MISSED
    matched: tuple[str, ...] = ()  # the words (or numbers) of the sketch that showed it
    evidence: str = ""  # the learner's clause that covered it, or that contradicted it
    asked: bool = False  # the sketch only asked about it ("should we shard?")
    listed: bool = False  # named only in a bare list of terms

    @property
    def covered(self) -> bool:
        return self.status is Status.COVERED

    @property
    def contradicted(self) -> bool:
        return self.status is Status.CONTRADICTED


@dataclass(frozen=True, slots=True)
class Verdict:
    items: tuple[ItemVerdict, ...]
    traps: tuple[Trap, ...]  # traps the sketch fell into
    trap_evidence: tuple[str, ...] = ()  # the clause that sprang each trap, in the same order
    bare_list: bool = False  # mostly a list of terms: "say what each does and why"

    @property
    def covered(self) -> int:
        """Covered items only: a contradicted item counts zero."""
        return sum(v.covered for v in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 0.0

    @property
    def missed(self) -> tuple[ChecklistEntry, ...]:
        """Every item not covered, the contradicted ones first: the study list."""
        wrong = [v.item for v in self.items if v.contradicted]
        return (*wrong, *(v.item for v in self.items if v.status is Status.MISSED))

    @property
    def contradicted(self) -> tuple[ChecklistEntry, ...]:
        return tuple(v.item for v in self.items if v.contradicted)


MAX_MATCHES_SHOWN = 3
# A sketch is a bare list when this many items were named only in lists of terms, and at
# least as many as it covered.
BARE_LIST_ITEMS = 3
# Ties are covered where the sketch's clear verdicts cover more than this many times the
# items they contradict.
TIE_MAJORITY = 2


def score(drill: Drill, params: Mapping[str, float], text: str) -> Verdict:
    # The reading machinery (stemmer tables, cue lists, rapidfuzz) loads on the first
    # reveal, not at start-up.
    from engine.drills.claims import find_claims

    # An attempt stored before the drill drew a parameter is judged on the example value the
    # reveal shows for it (`texts.values`), so the verdict and the expected numbers agree.
    claims = find_claims(drill, values(drill, params), text)
    sides = {item.id: _sides(claims.items[item.id]) for item in drill.checklist}
    # An item affirmed in as many clauses as it is rejected in follows the sketch's clear
    # verdicts: a design that affirms most of what it names meant it ("more shards can't
    # split one key" beside "split the key into 8"), one that rejects most of it did not.
    clear_covered = sum(len(yes) > len(no) for yes, no in sides.values())
    clear_rejected = sum(len(no) > len(yes) for yes, no in sides.values())
    ties_cover = clear_covered > TIE_MAJORITY * clear_rejected
    items = tuple(_verdict(item, claims, sides[item.id], ties_cover) for item in drill.checklist)
    listed = sum(v.listed and not v.covered for v in items)
    covered = sum(v.covered for v in items)
    return Verdict(
        items=items,
        traps=tuple(t for t, _ in claims.traps),
        trap_evidence=tuple(clause for _, clause in claims.traps),
        bare_list=listed >= BARE_LIST_ITEMS and listed >= covered,
    )


def _sides(found: ItemFindings) -> tuple[list[Finding], list[Finding]]:
    return _by_clause(found.covers, found.contradicts)


def _verdict(
    item: ChecklistEntry,
    claims: Claims,
    sides: tuple[list[Finding], list[Finding]],
    ties_cover: bool,
) -> ItemVerdict:
    found = claims.items[item.id]
    covering, contradicting = sides
    tie = len(covering) == len(contradicting) and not any(f.decisive for f in contradicting)
    if covering and (len(covering) > len(contradicting) or (tie and ties_cover)):
        matched = tuple(dict.fromkeys(f.words for f in found.covers))[:MAX_MATCHES_SHOWN]
        return ItemVerdict(item, Status.COVERED, matched, covering[0].clause)
    if contradicting:
        return ItemVerdict(item, Status.CONTRADICTED, (), contradicting[0].clause)
    return ItemVerdict(item, asked=found.asked, listed=found.listed)


def _by_clause(
    covers: list[Finding], contradicts: list[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """The first finding of each clause, on the side most of that clause's findings take (a
    tie, a wrong idea stated or a trap sprung there is a contradiction): "the whole profile
    under one key, not the sql text" covers."""
    votes: dict[int, list[int]] = {}
    for side, findings in ((0, covers), (1, contradicts)):
        for finding in findings:
            weight = 100 if finding.decisive else 1
            votes.setdefault(finding.clause_index, [0, 0])[side] += weight
    covering = {c for c, (yes, no) in votes.items() if yes > no}
    return (
        _first_per_clause([f for f in covers if f.clause_index in covering]),
        _first_per_clause([f for f in contradicts if f.clause_index not in covering]),
    )


def _first_per_clause(findings: list[Finding]) -> list[Finding]:
    seen: dict[int, Finding] = {}
    for finding in sorted(findings, key=lambda f: f.clause_index):
        seen.setdefault(finding.clause_index, finding)
    return list(seen.values())


def expected_numbers(item: ChecklistEntry, params: Mapping[str, float]) -> list[tuple[str, str]]:
    """(label, value) of the numbers an item expects for these parameters, for the reveal."""
    found = []
    for number in item.numbers:
        try:
            found.append((number.label, compact(evaluate(number.expr, params))))
        except ValueError:  # a parameter this attempt does not have
            continue
    return found
