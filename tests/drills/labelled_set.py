"""The labelled answers and how the scorer's verdicts compare with their labels.

Shared by `bench/scoring_eval.py` (which prints the figures) and the band tests. Four sets:

- `tune` (tests/drills/eval/tune): written blind by interviewers who saw only the prompts and
  the checklist labels; rules and synonyms may be tuned against it.
- `tune2` (tests/drills/eval/tune2): a second blind set written the same way by two other
  interviewers (ids `<drill>-t2-NN`), added once the rules had been tuned on `tune`: it shows
  whether they generalise, and is tuned on from then on like `tune`.
- `holdout` (tests/drills/eval/holdout): written the same way and kept aside; only its
  aggregate figures are read, never its texts or its per-answer disagreements.
- `legacy` (tests/drills/answers): the first session's set, 4 drills, strong/partial/weak only,
  items labelled by checklist position ("B3" = the third item); bands only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.content.loader import Content
from engine.content.models import Drill
from engine.drills.scoring import score

HERE = Path(__file__).parent
SETS = {
    "tune": HERE / "eval" / "tune",
    "tune2": HERE / "eval" / "tune2",
    "holdout": HERE / "eval" / "holdout",
    "legacy": HERE / "answers",
}
BANDS = ("strong", "partial", "weak", "buzzwords", "rejects", "neighbour")
# The targets (issue 10, "Targets"): (lowest allowed mean, highest allowed mean).
BAND_TARGETS: dict[str, tuple[float, float]] = {
    "strong": (0.85, 1.0),
    "partial": (0.30, 0.70),
    "weak": (0.0, 0.20),
    "buzzwords": (0.0, 0.20),
    "rejects": (0.0, 0.20),
    "neighbour": (0.0, 0.15),
}
STRONG_FLOOR = 0.60  # no strong answer below this
AGREEMENT_TARGET = 0.90  # per-item agreement on strong and partial answers


@dataclass(frozen=True, slots=True)
class Labelled:
    set_name: str
    drill: str
    id: str
    band: str
    unusual: bool
    params: dict[str, float]
    covers: frozenset[str]
    contradicts: frozenset[str]
    traps: frozenset[str]
    text: str


@dataclass(frozen=True, slots=True)
class Outcome:
    answer: Labelled
    items: tuple[str, ...]  # the drill's checklist ids, in order
    covered: frozenset[str]
    contradicted: frozenset[str]
    traps: frozenset[str]
    evidence: Mapping[str, str]  # item id -> the clause that decided it (where the scorer says)

    @property
    def share(self) -> float:
        return len(self.covered) / len(self.items)

    @property
    def false_positives(self) -> frozenset[str]:
        return self.covered - self.answer.covers

    @property
    def false_negatives(self) -> frozenset[str]:
        return self.answer.covers - self.covered


def load(set_name: str) -> list[Labelled]:
    folder = SETS[set_name]
    answers: list[Labelled] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, raw in enumerate(data["answers"]):
            answers.append(_labelled(set_name, data["drill"], index, raw))
    return answers


def _labelled(set_name: str, drill: str, index: int, raw: dict[str, Any]) -> Labelled:
    legacy = set_name == "legacy"
    return Labelled(
        set_name=set_name,
        drill=drill,
        id=raw.get("id", f"{drill}-legacy-{index + 1:02d}"),
        band=raw["label"] if legacy else raw["band"],
        unusual=bool(raw.get("unusual", False)),
        params={k: float(v) for k, v in (raw.get("params") or {}).items()},
        covers=frozenset(raw.get("covers") or ()),
        contradicts=frozenset(raw.get("contradicts") or ()),
        traps=frozenset(raw.get("traps") or ()),
        text=raw["text"],
    )


def judge(content: Content, answer: Labelled) -> Outcome:
    drill = content.drills[answer.drill]
    verdict = score(drill, answer.params, answer.text)
    covered = frozenset(v.item.id for v in verdict.items if v.covered)
    contradicted = frozenset(
        v.item.id for v in verdict.items if getattr(v, "contradicted", False)
    )  # the scorer before issue 10 has no such verdict
    evidence = {
        v.item.id: clause
        for v in verdict.items
        if (clause := getattr(v, "evidence", None) or " · ".join(v.matched))
    }
    labelled = answer
    if answer.set_name == "legacy":
        labelled = _legacy_ids(answer, drill)
    return Outcome(
        answer=labelled,
        items=tuple(item.id for item in drill.checklist),
        covered=covered,
        contradicted=contradicted,
        traps=frozenset(t.id for t in verdict.traps),
        evidence=evidence,
    )


def _legacy_ids(answer: Labelled, drill: Drill) -> Labelled:
    """Legacy labels name items by position ("B3"); give them the checklist's ids."""
    ids = [item.id for item in drill.checklist]
    covers = frozenset(
        ids[int(label[1:]) - 1] for label in answer.covers if 0 < int(label[1:]) <= len(ids)
    )
    return Labelled(
        answer.set_name,
        answer.drill,
        answer.id,
        answer.band,
        answer.unusual,
        answer.params,
        covers,
        answer.contradicts,
        answer.traps,
        answer.text,
    )


@dataclass(slots=True)
class Tally:
    """Decisions over (answer, item) pairs: the scorer's "covered" against the label's."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    true_neg: int = 0

    def add(self, said: bool, labelled: bool) -> None:
        if said and labelled:
            self.true_pos += 1
        elif said:
            self.false_pos += 1
        elif labelled:
            self.false_neg += 1
        else:
            self.true_neg += 1

    @property
    def precision(self) -> float:
        said = self.true_pos + self.false_pos
        return self.true_pos / said if said else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_pos + self.false_neg
        return self.true_pos / labelled if labelled else 1.0

    @property
    def agreement(self) -> float:
        total = self.true_pos + self.false_pos + self.false_neg + self.true_neg
        return (self.true_pos + self.true_neg) / total if total else 1.0


@dataclass(slots=True)
class Figures:
    """Everything the bench prints and the tests hold, for one group of outcomes."""

    shares: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    items: Tally = field(default_factory=Tally)  # coverage decisions, every band
    graded: Tally = field(default_factory=Tally)  # coverage decisions, strong and partial
    contradictions: Tally = field(default_factory=Tally)
    traps: Tally = field(default_factory=Tally)

    def mean(self, band: str) -> float | None:
        values = self.shares.get(band)
        return sum(values) / len(values) if values else None

    def lowest(self, band: str) -> float | None:
        values = self.shares.get(band)
        return min(values) if values else None


def figures(outcomes: Iterable[Outcome], trap_ids: Mapping[str, tuple[str, ...]]) -> Figures:
    """`trap_ids`: drill id -> its trap ids (for the traps' true negatives)."""
    result = Figures()
    for outcome in outcomes:
        answer = outcome.answer
        result.shares[answer.band].append(outcome.share)
        for item in outcome.items:
            said, labelled = item in outcome.covered, item in answer.covers
            result.items.add(said, labelled)
            if answer.band in ("strong", "partial"):
                result.graded.add(said, labelled)
            result.contradictions.add(item in outcome.contradicted, item in answer.contradicts)
        for trap in trap_ids.get(answer.drill, ()):
            result.traps.add(trap in outcome.traps, trap in answer.traps)
    return result


def outcomes(content: Content, set_name: str) -> list[Outcome]:
    return [judge(content, answer) for answer in load(set_name)]


def trap_ids(content: Content) -> dict[str, tuple[str, ...]]:
    return {d.id: tuple(t.id for t in d.traps) for d in content.drills.values()}
