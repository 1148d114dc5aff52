"""Drills' "see it under load": the matching /load or /scenario with the attempt's numbers."""

from __future__ import annotations

from engine.content.loader import Content
from engine.drills.params import draw
from engine.load.catalogue import LoadContent
from engine.load.follow_up import under_load


def test_the_read_ladder_runs_the_drawn_traffic(load: LoadContent) -> None:
    follow = under_load("b-read-ladder", {"qps": 40_000.0, "ratio": 200.0}, load)
    assert follow is not None
    assert follow.load is not None
    assert follow.command == "/load 40000 reads=200:1"
    assert follow.load.rate == 40_000
    assert follow.load.reads == 200


def test_the_seed_drills_have_their_follow_ups(content: Content, load: LoadContent) -> None:
    expected = {
        "a-cpu-at-80": "a-cpu-at-80",
        "c-lb-ha": "lb-dies-single",
        "d-write-scaling": "writes-past-primary",
    }
    for drill, scenario in expected.items():
        follow = under_load(drill, draw(content.drills[drill], "seed"), load)
        assert follow is not None
        assert follow.scenario == scenario
        assert scenario in load.scenarios


def test_every_follow_up_works_for_every_draw(content: Content, load: LoadContent) -> None:
    for drill_id in load.follow_ups:
        for seed in ("a", "b", "c", "d"):
            follow = under_load(drill_id, draw(content.drills[drill_id], seed), load)
            assert follow is not None
            assert follow.load is not None or follow.scenario in load.scenarios


def test_a_drill_without_one_gets_none(load: LoadContent) -> None:
    assert under_load("e05-sessions", {}, load) is None
