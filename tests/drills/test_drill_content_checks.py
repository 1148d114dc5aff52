"""Drill content is checked at load time: traps need signs, patterns and placeholders must
work out, and a trap opposes only items of its own drill. Each broken copy of the shipped
content must fail with the file, the field and the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.content.loader import default_content_dir, load_content
from engine.errors import ContentError

DRILL = "drills/b-read-ladder.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def problems_after(folder: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    path = folder / DRILL
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return caught.value.problems


def test_the_shipped_content_loads() -> None:
    assert len(load_content().drills) == 18


def test_an_empty_signs_list_names_the_trap(folder: Path) -> None:
    path = folder / DRILL
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("signs:"))
    lines[at] = "    signs: []"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert (DRILL, "traps.0.signs", "a trap needs at least one sign") in caught.value.problems


def test_a_sign_of_exclusions_only_cannot_fire(folder: Path) -> None:
    found = problems_after(folder, '[["shard first"]', '[["!shard first"]')
    assert (DRILL, "traps.0.signs.0", "a sign needs a pattern without '!'") in found


def test_a_trap_opposes_only_real_items(folder: Path) -> None:
    found = problems_after(folder, 'opposes: ["b10-shard-later"]', 'opposes: ["b99-nothing"]')
    assert (DRILL, "traps.0.opposes.0", "no checklist item 'b99-nothing'") in found


def test_a_bad_pattern_is_refused(folder: Path) -> None:
    found = problems_after(folder, 'keywords: ["math"', 'keywords: ["... math"')
    assert any(field == "checklist.0.keywords.0" for _, field, _ in found)


def test_a_placeholder_must_work_out_for_every_draw(folder: Path) -> None:
    found = problems_after(folder, "{qps / (ratio + 1)} writes/s", "{qps / (ratio - 50)} writes/s")
    assert any(
        field == "model_answer" and "division by zero" in reason for _, field, reason in found
    )
    found = problems_after(folder, "so at {qps} QPS", "so at {rps} QPS")
    assert any(field == "model_answer" and "not allowed" in reason for _, field, reason in found)


def test_an_example_must_be_one_of_the_choices(folder: Path) -> None:
    found = problems_after(folder, "example: 50000", "example: 55000")
    assert (DRILL, "params.0.example", "must be one of the choices") in found


def test_a_wrong_idea_may_not_dodge_the_exceptions_of_its_trap(folder: Path) -> None:
    path = folder / "drills/e08-db-failover.yaml"
    text = path.read_text(encoding="utf-8")
    old = '    keywords: ["synchronous", "semi-sync"'
    assert old in text
    broken = text.replace(old, '    wrong: ["no data is lost"]\n' + old, 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert any(
        where.startswith("checklist.3.wrong.0") and "e08-trap-no-loss" in reason
        for _, where, reason in caught.value.problems
    ), caught.value.problems
