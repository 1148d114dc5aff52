"""The load content as the engine uses it: capacities, rungs' texts, scenarios, drill links."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.load.capacity import Capacities
from engine.load.scenario_spec import Scenario
from engine.load.traffic import Tier


class RungId(StrEnum):
    """The moves the model knows how to make; content gives each its words and sources."""

    SCALE_UP_APP = "scale-up-app"
    SCALE_OUT_APP = "scale-out-app"
    ADD_CACHE = "add-cache"
    GROW_CACHE = "grow-cache"
    ADD_CACHE_NODE = "add-cache-node"
    LOCAL_CACHE = "local-cache"
    ADD_REPLICA = "add-replica"
    SCALE_UP_DB = "scale-up-db"
    SHARD = "shard"
    ADD_LB = "add-lb"
    PAIR_LB = "pair-lb"
    CDN = "cdn"


@dataclass(frozen=True, slots=True)
class RungText:
    id: RungId
    label: str  # "Scale the app servers out"
    relieves: tuple[Tier, ...]  # the tiers whose load it lowers
    rank: int  # order on the ladder among rungs that relieve the same tier (1 = try first)
    why: str
    not_fixed: str  # what it does not fix
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A drill's "see it under load": a command template over the attempt's parameters."""

    drill: str
    command: str  # e.g. "/load {qps} reads={ratio}:1" or "/scenario cache-restart"
    why: str


@dataclass(frozen=True, slots=True)
class LoadContent:
    capacities: Capacities
    rungs: dict[RungId, RungText]
    scenarios: dict[str, Scenario]  # by id, in file-name order
    follow_ups: dict[str, FollowUp]  # by drill id
