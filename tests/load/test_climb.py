"""The ladder game's rules: a won climb, refusals that change nothing, the out-of-order
debrief, running out of budget, and the JSON codec."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.errors import UsageError
from engine.load.catalogue import LoadContent
from engine.load.climb import (
    RATES,
    ClimbState,
    ClimbStatus,
    choose,
    debrief,
    end,
    new_climb,
    raise_load,
    score,
    view,
)
from engine.load.codec import ClimbFormatError, dump_climb, load_climb
from engine.load.topology import default_topology


def play_well(state: ClimbState, load: LoadContent) -> ClimbState:
    """Raise when it holds; otherwise the lowest-rank affordable rung that fixes it."""
    for _ in range(60):
        if state.status is not ClimbStatus.PLAYING:
            return state
        v = view(state, load)
        if v.holds:
            state = raise_load(state, load)
            continue
        fixes = [o for o, ok in zip(v.offers, v.affordable, strict=True) if o.fixes and ok]
        fixes.sort(key=lambda o: (load.rungs[o.rung].rank, o.usd_delta))
        state = choose(state, fixes[0].rung.value, load)
    return state


def test_a_well_played_climb_reaches_the_target(load: LoadContent) -> None:
    state = play_well(new_climb(default_topology(load.capacities)), load)
    assert state.status is ClimbStatus.WON
    assert state.held == RATES[-1]
    assert all(m.in_order for m in state.moves)
    s = score(state, load)
    assert s.usd_month < state.budget_usd
    assert s.per_kusd > 0
    lines = debrief(state, load)
    assert "Held 100,000 of 100,000" in lines[0]
    spof = state.topology.lb_nodes == 1 and not state.topology.lb_standby
    assert spof == any("single point of failure" in line for line in lines)


def test_refusals_change_nothing(load: LoadContent) -> None:
    state = new_climb(default_topology(load.capacities))
    while view(state, load).holds:
        state = raise_load(state, load)
    with pytest.raises(UsageError, match="does not hold"):
        raise_load(state, load)
    with pytest.raises(UsageError, match="not on offer"):
        choose(state, "teleport", load)
    poor = replace(state, budget_usd=100.0)
    with pytest.raises(UsageError, match="over the"):
        choose(poor, "scale-out-app", load)
    assert view(state, load).state == state


def test_out_of_order_moves_are_named_in_the_debrief(load: LoadContent) -> None:
    state = new_climb(default_topology(load.capacities))
    while view(state, load).holds:
        state = raise_load(state, load)  # the app servers break first at 10k
    state = choose(state, "shard", load)
    move = state.moves[-1]
    assert not move.in_order
    assert move.bottleneck == "app"
    assert any("Out of order" in line and "shard" in line.lower() for line in debrief(state, load))


def test_running_out_of_budget_ends_the_game(load: LoadContent) -> None:
    state = replace(new_climb(default_topology(load.capacities)), budget_usd=1_500.0)
    state = play_well(state, load)
    assert state.status is ClimbStatus.BROKE
    assert state.held < RATES[-1]
    with pytest.raises(UsageError, match="over"):
        raise_load(state, load)


def test_ending_and_the_codec(load: LoadContent) -> None:
    state = play_well(new_climb(default_topology(load.capacities)), load)
    assert load_climb(dump_climb(state)) == state
    playing = new_climb(default_topology(load.capacities))
    assert end(playing).status is ClimbStatus.ENDED
    for bad in (
        "",
        "{}",
        '{"format": 9, "climb": {}}',
        '{"format": 1, "climb": {"step": 99}}',
        dump_climb(state).replace('"scale-up-app"', '"teleport"'),
    ):
        with pytest.raises(ClimbFormatError):
            load_climb(bad)
