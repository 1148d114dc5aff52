"""The traffic offered to the cluster and the tiers it meets, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Tier(StrEnum):
    LB = "lb"
    APP = "app"
    CACHE = "cache"
    PRIMARY = "primary"
    REPLICA = "replica"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def plural(self) -> bool:
        return self in (Tier.APP, Tier.PRIMARY, Tier.REPLICA)

    def verb(self, singular: str, plural: str) -> str:
        """The label with its verb agreeing: 'the cache saturates', 'the replicas saturate'."""
        return f"the {self.label} {plural if self.plural else singular}"


_LABELS = {
    Tier.LB: "balancer",
    Tier.APP: "app servers",
    Tier.CACHE: "cache",
    Tier.PRIMARY: "primaries",
    Tier.REPLICA: "replicas",
}
TIER_ORDER = (Tier.LB, Tier.APP, Tier.CACHE, Tier.PRIMARY, Tier.REPLICA)


@dataclass(frozen=True, slots=True)
class Traffic:
    rate: float  # requests per second arriving at the edge
    read_share: float  # 100:1 -> 100/101
    keys: int = 1_000_000
    zipf: float = 1.0
    duration_s: float = 60.0
    hot_share: float = 0.0  # extra share of reads on one key (a celebrity), on top of Zipf

    @property
    def reads(self) -> float:
        return self.rate * self.read_share

    @property
    def writes(self) -> float:
        return self.rate * (1 - self.read_share)

    def at(self, rate: float) -> Traffic:
        return Traffic(rate, self.read_share, self.keys, self.zipf, self.duration_s, self.hot_share)
