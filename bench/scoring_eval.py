"""The scorer against labelled answers: mean coverage per band and per-item agreement.

    .venv/bin/python bench/scoring_eval.py [--set tune|tune2|holdout|legacy|all] [--items]
                                           [--no-disagreements] [--holdout-disagreements]

The sets (tests/drills/labelled_set.py says where they come from):

- tune: answers written blind by interviewers, ~10 per drill over all 18 drills; the rules and
  synonyms are tuned against it, and every disagreement with its labels is listed.
- tune2: a second blind set by two other interviewers, ~10 answers per drill, written after the
  rules were tuned on `tune`; printed like tune, with its disagreements.
- holdout: written the same way and kept aside. Only its aggregate figures are printed; its
  per-answer disagreements are shown only with --holdout-disagreements, which the people who
  tune the scorer do not use (reading them would turn it into a second tuning set).
- legacy: the first session's 4-drill set (strong / partial / weak only).

For each set: per drill and overall, the mean share of the checklist covered per band (strong,
partial, weak, buzzwords, rejects, neighbour), the lowest strong share, and the per-item
decisions against the labels: agreement on strong + partial answers (the issue's figure),
precision and recall of "covered" over every band, of "contradicted", and of the traps. The
targets of issue 10 are checked with PASS / MISS lines. Deterministic: no timing, no RNG.
`--items` adds precision and recall per checklist item (tune and tune2 only).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence

from benchkit import REPO, check, header, summary

sys.path.insert(0, str(REPO / "tests" / "drills"))
from labelled_set import (  # the path above makes the tests' module importable
    AGREEMENT_TARGET,
    BAND_TARGETS,
    BANDS,
    STRONG_FLOOR,
    Figures,
    Outcome,
    Tally,
    figures,
    outcomes,
    trap_ids,
)

from engine.content.loader import Content, load_content

TUNED = ("tune", "tune2")  # the sets whose every disagreement is listed
SHORT = {"strong": "strong", "partial": "partial", "weak": "weak", "buzzwords": "buzz",
         "rejects": "rejects", "neighbour": "neigh"}  # fmt: skip


def main() -> None:
    args = _args()
    header("engine.drills.scoring.score against labelled answers", quick=False)
    content = load_content()
    names = ("tune", "tune2", "holdout", "legacy") if args.set == "all" else (args.set,)
    for name in names:
        found = outcomes(content, name)
        if not found:
            print(f"set {name}: no answers found\n")
            continue
        report(name, found, content)
        if args.items and name in TUNED:
            per_item(name, found, content)
        show = name in TUNED and not args.no_disagreements
        if show or (name == "holdout" and args.holdout_disagreements):
            disagreements(name, found)
    summary()


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--set", choices=("tune", "tune2", "holdout", "legacy", "all"), default="all"
    )
    parser.add_argument("--items", action="store_true", help="per checklist item (tune sets)")
    parser.add_argument("--no-disagreements", action="store_true")
    parser.add_argument(
        "--holdout-disagreements",
        action="store_true",
        help="also list the held-out set's disagreements (not for tuning)",
    )
    return parser.parse_args()


def report(name: str, found: Sequence[Outcome], content: Content) -> None:
    traps = trap_ids(content)
    drills = sorted({o.answer.drill for o in found})
    print(f"set {name}: {len(found)} answers over {len(drills)} drills")
    print(
        f"  {'drill':<26}"
        + "".join(f"{SHORT[b]:>8}" for b in BANDS)
        + f"{'s.min':>7} | {'agree':>6} {'prec':>6} {'recall':>6} | {'contra':>11} | {'traps':>11}"
    )
    for drill in drills:
        row(drill, figures([o for o in found if o.answer.drill == drill], traps), name)
    overall = figures(found, traps)
    row("overall", overall, name)
    print("  (band columns: mean share of the checklist covered; agree: per-item agreement on")
    print("   strong+partial; prec/recall: 'covered' over every band; contra and traps: P/R)")
    targets(name, overall)
    print()


def row(label: str, result: Figures, name: str) -> None:
    cells = []
    for band in BANDS:
        mean = result.mean(band)
        cells.append(f"{'-' if mean is None else f'{mean:.0%}':>8}")
    lowest = result.lowest("strong")
    print(
        f"  {label:<26}{''.join(cells)}{'-' if lowest is None else f'{lowest:.0%}':>7} | "
        f"{result.graded.agreement:>6.1%} {result.items.precision:>6.1%} "
        f"{result.items.recall:>6.1%} | {_pr(result.contradictions, name):>11} | "
        f"{_pr(result.traps, name):>11}"
    )


def _pr(tally: Tally, name: str) -> str:
    if name == "legacy":  # labels neither contradictions nor traps
        return "-"
    return f"{tally.precision:.0%}/{tally.recall:.0%}"


def targets(name: str, overall: Figures) -> None:
    for band in BANDS:
        mean = overall.mean(band)
        if mean is None:
            continue
        low, high = BAND_TARGETS[band]
        wanted = f"≥ {low:.0%}" if high == 1.0 else (f"≤ {high:.0%}" if low == 0 else
                                                       f"{low:.0%}–{high:.0%}")  # fmt: skip
        check(f"{name}: {band} mean", f"{mean:.1%}", wanted, low <= mean <= high)
    lowest = overall.lowest("strong")
    if lowest is not None:
        check(f"{name}: lowest strong answer", f"{lowest:.0%}", f"≥ {STRONG_FLOOR:.0%}",
              lowest >= STRONG_FLOOR)  # fmt: skip
    agreement = overall.graded.agreement
    check(f"{name}: per-item agreement (strong+partial)", f"{agreement:.1%}",
          f"≥ {AGREEMENT_TARGET:.0%}", agreement >= AGREEMENT_TARGET)  # fmt: skip


def per_item(name: str, found: Sequence[Outcome], content: Content) -> None:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for outcome in found:
        for item_id in outcome.items:
            tallies[item_id].add(item_id in outcome.covered, item_id in outcome.answer.covers)
    print(f"per checklist item ({name}): precision / recall over every band, labelled count")
    for drill in content.drills.values():
        for item in drill.checklist:
            t = tallies.get(item.id)
            if t is None:
                continue
            flag = "" if t.precision >= 0.9 and t.recall >= 0.9 else "   <"
            print(
                f"  {item.id:<28} P {t.precision:>5.0%}  R {t.recall:>5.0%}  "
                f"({t.true_pos + t.false_neg} labelled){flag}"
            )
    print()


def disagreements(name: str, found: Sequence[Outcome]) -> None:
    print(f"disagreements with the labels ({name}):")
    count = 0
    for outcome in found:
        answer = outcome.answer
        lines = []
        for item in sorted(outcome.false_positives):
            lines.append(f"    + {item}: {_clip(outcome.evidence.get(item, ''))}")
        lines.extend(f"    - {item}" for item in sorted(outcome.false_negatives))
        for trap in sorted(outcome.traps - answer.traps):
            lines.append(f"    + trap {trap}")
        lines.extend(f"    - trap {trap}" for trap in sorted(answer.traps - outcome.traps))
        if lines:
            count += 1
            shown = f"{len(outcome.covered)}/{len(outcome.items)}"
            print(f"  {answer.id} ({answer.band}{', unusual' if answer.unusual else ''}) {shown}")
            print("\n".join(lines))
    print(f"  {count} of {len(found)} answers disagree somewhere\n")


def _clip(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


if __name__ == "__main__":
    main()
