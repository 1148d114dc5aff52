"""The study path and the hints as content: the shipped files, and broken copies of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.content.loader import Content, load_content
from engine.drills.scoring import score
from engine.errors import ContentError

CONTENT = Path(__file__).resolve().parents[2] / "content"
LADDER = ["two-ways-to-scale", "statelessness", "balancers", "caching", "replicas", "sharding"]


def test_the_stages_climb_the_ladder_in_order(content: Content) -> None:
    stages = [stage.id for stage in content.study.stages]
    assert stages == [*LADDER, "beyond"]


def test_every_drill_is_on_the_ladder_exactly_once(content: Content) -> None:
    ladder = content.study.ladder()
    assert sorted(ladder) == sorted(content.drills)
    assert len(set(ladder)) == len(ladder)
    assert [content.study.rungs[d].order for d in ladder] == list(range(len(ladder)))
    assert ladder[0] == "a-cpu-at-80"  # one server at 80% CPU: the first rung
    assert content.study.rungs["e05-sessions"].stage_id == "statelessness"
    assert content.study.rungs["d-write-scaling"].stage_id == "sharding"


def test_every_difficulty_is_used_so_the_week_can_climb(content: Content) -> None:
    levels = {rung.difficulty for rung in content.study.rungs.values()}
    assert levels == {"easy", "medium", "hard"}


def test_every_checklist_item_has_one_nudge_in_checklist_order(content: Content) -> None:
    hints = content.study.hints
    assert set(hints) == set(content.drills)
    for drill_id, drill in content.drills.items():
        assert list(hints[drill_id]) == [item.id for item in drill.checklist], drill_id
    assert sum(len(items) for items in hints.values()) == 152


def test_no_nudge_gives_its_item_away(content: Content) -> None:
    # Pasting a hint as the answer must not tick the item the hint is about: the nudge points
    # at the rung, the learner still has to name it.
    leaks = []
    for drill_id, items in content.study.hints.items():
        drill = content.drills[drill_id]
        params = {p.name: p.choices[0] for p in drill.params}
        for item_id, nudge in items.items():
            verdict = score(drill, params, nudge)
            hit = next(v for v in verdict.items if v.item.id == item_id)
            if hit.covered:
                leaks.append((drill_id, item_id, hit.matched))
    assert leaks == []


def test_nudges_are_questions_that_never_mention_anyone(content: Content) -> None:
    for items in content.study.hints.values():
        for nudge in items.values():
            assert "?" in nudge, nudge
            assert "@" not in nudge, nudge
            assert "<" not in nudge, nudge


def test_every_stage_lesson_exists(content: Content) -> None:
    for stage in content.study.stages:
        for lesson in stage.lessons:
            assert content.find_lesson(lesson) is not None, (stage.id, lesson)


# --- broken copies -----------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def _edit(folder: Path, name: str, change: Callable[[Any], object]) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _problems(folder: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return caught.value.problems


def test_a_topic_in_two_stages_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder,
        "path.yaml",
        lambda d: d["stages"][1]["topics"].append({"topic": "caching", "difficulty": "easy"}),
    )
    # The first place a topic is listed is its place; the later one is the problem.
    assert _problems(folder) == [
        ("path.yaml", "stages.3.topics.0.topic", "'caching' is already at stages.1.topics.2.topic")
    ]


def test_a_drill_topic_left_off_the_path_and_a_topic_without_a_drill(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def change(data: dict[str, list[dict[str, list[dict[str, str]]]]]) -> None:
        data["stages"][6]["topics"] = [{"topic": "queues", "difficulty": "medium"}]
        data["stages"][6]["topics"].append({"topic": "bloom-filters", "difficulty": "hard"})

    _edit(folder, "path.yaml", change)
    problems = _problems(folder)
    reasons = sorted(p[2] for p in problems)
    assert reasons == [
        "no drill has the topic 'bloom-filters'",
        "the drill topic 'cascading-failure' is in no stage",
        "the drill topic 'multi-region' is in no stage",
    ]
    assert ("path.yaml", "stages.6.topics.1.topic") in {(p[0], p[1]) for p in problems}


def test_an_unknown_key_and_difficulty_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def change(data: Any) -> None:
        data["stages"][2]["colour"] = "red"
        data["stages"][3]["topics"][0]["difficulty"] = "brutal"

    _edit(folder, "path.yaml", change)
    fields = sorted(p[1] for p in _problems(folder))
    assert fields == ["stages.2.colour", "stages.3.topics.0.difficulty"]


def test_an_unknown_lesson_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "path.yaml", lambda d: d["stages"][0].update(lessons=["no-such-lesson"]))
    assert _problems(folder) == [("path.yaml", "stages.0.lessons.0", "no lesson 'no-such-lesson'")]


def test_hints_for_unknown_items_and_drills_and_missing_ones(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def change(data: dict[str, dict[str, dict[str, str]]]) -> None:
        hints = data["hints"]
        del hints["e07-cdn"]["e07-latency"]
        hints["e07-cdn"]["e07-teleport"] = "What if the bytes could simply be somewhere else?"
        del hints["e13-autoscaling"]
        hints["z-no-such-drill"] = {"z1": "Is there any drill here at all, do you think?"}

    _edit(folder, "hints.yaml", change)
    assert sorted(_problems(folder)) == [
        ("hints.yaml", "hints.e07-cdn.e07-latency", "missing"),
        ("hints.yaml", "hints.e07-cdn.e07-teleport", "not an item of this drill's checklist"),
        ("hints.yaml", "hints.e13-autoscaling", "missing: every drill needs its nudges"),
        ("hints.yaml", "hints.z-no-such-drill", "no drill 'z-no-such-drill'"),
    ]


def test_missing_study_files_are_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "path.yaml").unlink()
    (folder / "hints.yaml").write_text("hints: [not, a, mapping]\n", encoding="utf-8")
    problems = _problems(folder)
    assert problems[0][0] == "path.yaml"
    assert "missing file" in problems[0][2]
    assert [p[:2] for p in problems[1:]] == [("hints.yaml", "hints")]


def test_every_lesson_is_read_in_one_stage_and_every_topic_beside_its_lesson(
    content: Content,
) -> None:
    placed = [content.find_lesson(name) for stage in content.study.stages for name in stage.lessons]
    ids = [lesson.id for lesson in placed if lesson is not None]
    assert sorted(ids) == sorted(content.lessons)
    for stage in content.study.stages:
        own = {content.topics[name] for name in stage.lessons}
        for drill_id in content.study.stage_drills(stage.id):
            lesson = content.find_lesson(content.drills[drill_id].topic)
            assert lesson is not None, drill_id
            assert lesson.id in own, (stage.id, drill_id)


def test_a_lesson_in_two_stages_in_none_or_away_from_its_topic(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def change(data: Any) -> None:
        data["stages"][0]["lessons"].append("cdn")  # also in caching
        data["stages"][6]["lessons"].remove("queues")  # now in no stage
        data["stages"][1]["lessons"].remove("autoscaling")
        data["stages"][2]["lessons"].append("autoscaling")  # away from its drill's stage

    _edit(folder, "path.yaml", change)
    assert sorted(_problems(folder)) == [
        ("path.yaml", "stages", "the lesson 'queues' is in no stage"),
        (
            "path.yaml",
            "stages.1.topics.1.topic",
            "its lesson 'autoscaling' is not among this stage's lessons",
        ),
        ("path.yaml", "stages.3.lessons", "'cdn' is already in stage 0"),
        # cdn counts where it was listed first, so the cdn drill's stage lacks it
        (
            "path.yaml",
            "stages.3.topics.1.topic",
            "its lesson 'cdn' is not among this stage's lessons",
        ),
        (
            "path.yaml",
            "stages.6.topics.0.topic",
            "its lesson 'queues' is not among this stage's lessons",
        ),
    ]
