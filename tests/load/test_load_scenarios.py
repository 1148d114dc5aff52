"""The shipped scenarios tell the story their titles promise, replay exactly, and a bad
scenario file is refused at start-up with its file, field and reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.content.loader import default_content_dir, load_content
from engine.errors import ContentError, UsageError
from engine.load.capacity import Capacities
from engine.load.catalogue import LoadContent
from engine.load.query import parse_scenario
from engine.load.scenario_story import ScenarioRun, run_scenario


def run(load: LoadContent, name: str) -> ScenarioRun:
    return run_scenario(load.scenarios[name], load.capacities)


def failing_seconds(r: ScenarioRun) -> list[float]:
    return [
        t
        for t, e, o in zip(r.times, r.values("errors"), r.values("offered"), strict=True)
        if o and e / o >= 0.02
    ]


def text(r: ScenarioRun) -> str:
    return " ".join(m.text for m in r.timeline) + " " + r.verdict


def test_every_scenario_runs_with_series_for_a_chart(load: LoadContent) -> None:
    for name, scenario in load.scenarios.items():
        result = run_scenario(scenario, load.capacities)
        assert len(result.times) == scenario.duration_s, name
        for series in result.series:
            assert len(series.values) == scenario.duration_s, (name, series.name)
        assert any(m.kind == "event" for m in result.timeline), name
        assert result.verdict, name


def test_same_seed_same_figures(load: LoadContent) -> None:
    assert run(load, "retry-storm").series == run(load, "retry-storm").series


def test_retry_storm_outlives_its_trigger(load: LoadContent) -> None:
    r = run(load, "retry-storm")
    assert "metastable" in text(r)
    failing = failing_seconds(r)
    assert failing[0] < 45
    assert 110 < failing[-1] < 130
    offered, fresh = r.values("offered"), r.values("fresh")
    assert offered[100] > 3 * fresh[100]  # retries, not new users, carry the load


def test_a_spike_without_retries_drains_and_recovers(load: LoadContent) -> None:
    r = run(load, "traffic-spike")
    failing = failing_seconds(r)
    assert failing
    assert failing[-1] < 90
    assert "recovers" in r.verdict


def test_cache_restart_stampede_and_warm_up(load: LoadContent) -> None:
    r = run(load, "cache-restart")
    hit = r.values("hit_ratio")
    assert hit[20] > 0.85
    assert hit[35] == 0
    assert hit[45] < hit[80]
    assert "replicas saturate" in text(r)
    assert "warm again" in text(r)
    assert r.values("busy.replica")[35] == 1.0


def test_primary_failover_gap_and_lost_writes(load: LoadContent) -> None:
    r = run(load, "primary-failover")
    failing = failing_seconds(r)
    assert failing[0] == 30
    assert failing[-1] == 59
    assert 0 < r.lost_writes < 100  # ~455 writes/s x 100 ms of lag
    assert "promoted" in text(r)


def test_hot_key_saturates_one_cache_node_until_the_l1(load: LoadContent) -> None:
    r = run(load, "hot-key")
    cache = r.values("busy.cache")
    assert cache[20] < 0.8
    assert cache[50] == 1.0
    assert cache[110] < 0.8
    assert "cache-" in text(r)


def test_balancer_pair_shortens_the_outage(load: LoadContent) -> None:
    single = failing_seconds(run(load, "lb-dies-single"))
    paired = failing_seconds(run(load, "lb-dies-paired"))
    assert len(single) == 60
    assert len(paired) == 6


def test_writes_need_a_shard_not_replicas(load: LoadContent) -> None:
    r = run(load, "writes-past-primary")
    primary = r.values("busy.primary")
    assert primary[50] == 1.0
    assert primary[80] == 1.0
    assert primary[130] < 0.8  # two shards at 100 s
    assert max(r.values("lag")) > 10


def test_scenario_names(load: LoadContent) -> None:
    assert parse_scenario([], list(load.scenarios)) is None
    assert parse_scenario(["retry-storm"], list(load.scenarios)) == "retry-storm"
    with pytest.raises(UsageError) as raised:
        parse_scenario(["retry"], list(load.scenarios))
    assert raised.value.suggestion == "/scenario retry-storm"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(default_content_dir(), folder)
    return folder


def test_a_bad_event_fails_start_up_with_file_field_reason(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "scenarios" / "hot-key.yaml"
    path.write_text(
        path.read_text()
        .replace("node: lb", "node: lb")
        .replace("share: 0.3", "share: 0.3\n    colour: red")
        .replace("at: 70", "at: 700"),
        encoding="utf-8",
    )
    bad = folder / "scenarios" / "lb-dies-single.yaml"
    bad.write_text(bad.read_text().replace("node: lb\n", "node: lb-7\n", 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    problems = raised.value.problems
    assert (
        "scenarios/hot-key.yaml",
        "events.0.hot-key.colour",
        "Extra inputs are not permitted",
    ) in problems
    assert any(
        f == "scenarios/lb-dies-single.yaml"
        and field == "events.0.node"
        and "no node 'lb-7'" in why
        for f, field, why in problems
    )


def test_a_capacity_that_does_not_fit_its_hop_is_refused(tmp_path: Path, caps: Capacities) -> None:
    folder = _copy(tmp_path)
    path = folder / "capacity.yaml"
    path.write_text(path.read_text().replace("ops_per_s: 20000", "ops_per_s: 2000"), "utf-8")
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    assert any(
        field == "nodes.db_read" and "longer than the whole db_read_ms hop" in why
        for _, field, why in raised.value.problems
    )
