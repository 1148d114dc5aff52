"""Scoring that deserves trust: independently written learner answers, labelled strong, partial
or weak, must land in their band (strong ≥ 70% of the checklist, weak ≤ 30%, partial between)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.content.loader import Content
from engine.drills.scoring import score

ANSWERS = sorted((Path(__file__).parent / "answers").glob("*.yaml"))


def cases() -> list[Any]:
    found = []
    for path in ANSWERS:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, answer in enumerate(data["answers"]):
            found.append(
                pytest.param(data["drill"], answer, id=f"{path.stem}-{index}-{answer['label']}")
            )
    return found


@pytest.mark.parametrize(("drill_id", "answer"), cases())
def test_each_labelled_answer_lands_in_its_band(
    content: Content, drill_id: str, answer: dict[str, Any]
) -> None:
    drill = content.drills[drill_id]
    params = {k: float(v) for k, v in answer.get("params", {}).items()}
    verdict = score(drill, params, answer["text"])
    share = verdict.covered / verdict.total
    shown = f"covered {verdict.covered}/{verdict.total}"
    if answer["label"] == "strong":
        assert share >= 0.7, shown
    elif answer["label"] == "weak":
        assert share <= 0.3, shown
    else:
        assert 0.3 < share < 0.7, shown


def test_the_set_has_enough_answers_of_each_kind() -> None:
    for path in ANSWERS:
        labels = [a["label"] for a in yaml.safe_load(path.read_text())["answers"]]
        for label in ("strong", "partial", "weak"):
            assert labels.count(label) >= 3, (path.name, label)
    assert len(ANSWERS) == 4
