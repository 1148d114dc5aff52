"""The labelled answers land in their bands (issue 10, "Targets"), on the tuning set, on the
second blind set (tune2) and on the held-out set, which nobody tunes against. Where tune2 or
the held-out set does not yet meet a target, the test holds the figure measured when the rules
were last changed, so the scorer cannot slip back, and says which target is still open
(bench/scoring_eval.py prints all)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from labelled_set import (
    AGREEMENT_TARGET,
    BAND_TARGETS,
    BANDS,
    STRONG_FLOOR,
    Figures,
    figures,
    load,
    outcomes,
    trap_ids,
)

from engine.content.loader import Content, load_content

ROOT = Path(__file__).resolve().parents[2]


@cache
def measured(set_name: str) -> Figures:
    content = load_content()
    return figures(outcomes(content, set_name), trap_ids(content))


# Figures below the targets, as measured at the last change of the rules
# (bench/scoring_eval.py): the tests hold these floors (ceilings for the bands with an upper
# target), not the targets, so the scorer cannot slip back, and they name what is still open.
# The held-out set is never tuned on; tune2 is the second blind set, tuned on since it came.
OPEN: dict[str, dict[str, float]] = {
    "holdout": {
        "neighbour": 0.155,  # target <= 15% mean
        "lowest strong": 0.375,  # target: none below 60%
    },
    "tune2": {},  # every target met
}


@pytest.mark.parametrize("band", BANDS)
def test_tuning_set_bands(band: str) -> None:
    mean = measured("tune").mean(band)
    assert mean is not None
    low, high = BAND_TARGETS[band]
    assert low <= mean <= high, f"{band}: {mean:.1%}"


def test_tuning_set_strong_answers_and_agreement() -> None:
    tune = measured("tune")
    assert (tune.lowest("strong") or 0) >= STRONG_FLOOR
    assert tune.graded.agreement >= AGREEMENT_TARGET


@pytest.mark.parametrize("set_name", sorted(OPEN))
@pytest.mark.parametrize("band", BANDS)
def test_second_and_held_out_set_bands(set_name: str, band: str) -> None:
    mean = measured(set_name).mean(band)
    assert mean is not None
    low, high = BAND_TARGETS[band]
    floor = OPEN[set_name].get(band)
    if floor is not None:
        assert mean >= floor if low > 0 else mean <= floor, f"{set_name} {band}: {mean:.1%}"
    else:
        assert low <= mean <= high, f"{set_name} {band}: {mean:.1%}"


@pytest.mark.parametrize("set_name", sorted(OPEN))
def test_second_and_held_out_set_strong_answers_and_agreement(set_name: str) -> None:
    found = measured(set_name)
    open_ = OPEN[set_name]
    assert (found.lowest("strong") or 0) >= open_.get("lowest strong", STRONG_FLOOR)
    assert found.graded.agreement >= open_.get("agreement", AGREEMENT_TARGET)


def test_legacy_set_bands() -> None:
    legacy = measured("legacy")
    for band in ("strong", "partial", "weak"):
        mean = legacy.mean(band)
        low, high = BAND_TARGETS[band]
        assert mean is not None
        assert low <= mean <= high, f"{band}: {mean:.1%}"
    assert legacy.graded.agreement >= AGREEMENT_TARGET


def test_the_sets_are_complete_and_their_labels_name_real_items(content: Content) -> None:
    for set_name in ("tune", "tune2", "holdout"):
        answers = load(set_name)
        drills = {a.drill for a in answers}
        assert drills == set(content.drills), set_name
        for drill_id in drills:
            bands = [a.band for a in answers if a.drill == drill_id]
            assert len(bands) >= 10
            assert set(bands) == set(BANDS)
        for answer in answers:
            drill = content.drills[answer.drill]
            items = {i.id for i in drill.checklist}
            assert answer.covers <= items, answer.id
            assert answer.contradicts <= items, answer.id
            assert answer.traps <= {t.id for t in drill.traps}, answer.id


def test_scoring_the_sets_is_deterministic() -> None:
    content = load_content()
    first = [o.covered for o in outcomes(content, "tune")]
    assert [o.covered for o in outcomes(content, "tune")] == first


_VERDICTS_CHILD = """
import json, sys
sys.path.insert(0, "tests/drills")
from labelled_set import outcomes
from engine.content.loader import load_content
content = load_content()
print(json.dumps([
    [o.answer.id, sorted(o.covered), sorted(o.contradicted), sorted(o.traps)]
    for o in outcomes(content, "tune")
]))
"""


def test_the_same_sketch_gets_the_same_verdict_in_every_process() -> None:
    """Sets and dicts iterate in an order that depends on the process's hash seed: a verdict
    that leaned on it would differ between two bot processes. Each labelled answer is scored
    in fresh interpreters with different seeds, and against this process's verdicts."""
    content = load_content()
    here = [
        [o.answer.id, sorted(o.covered), sorted(o.contradicted), sorted(o.traps)]
        for o in outcomes(content, "tune")
    ]
    for seed in ("0", "1", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", _VERDICTS_CHILD],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        assert json.loads(done.stdout) == here, f"PYTHONHASHSEED={seed}"
