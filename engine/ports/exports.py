"""The export port: everything stored about one user, for /export ("what is stored about me").

Storage answers from the database itself (every table the migrations made, read from its
catalogue), so a table a later migration adds is exported without a change here. A row is
either the user's own (their settings, drills, reviews, challenge entries, the schedules and
clusters of their own space, a job that names them) and comes back whole, or a shared document
that only mentions them (a channel's cluster holding their session, a channel's trace) and comes
back as its ids alone: the rest of it is other people's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from engine.ports.keys import Scope, UserKey

# A JSON value: what one column of an exported row holds once read.
JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]
Row = Mapping[str, JsonValue]


@dataclass(frozen=True, slots=True)
class Wanted:
    """Who to look for: their key (in their own rows and in documents such as a job's payload),
    their own space (its cluster, its schedule), and how shared state names them
    (`engine.tutor.names.ref`), looked for in their workspace only."""

    user: UserKey
    own: Scope
    ref: str


@dataclass(frozen=True, slots=True)
class UserRecords:
    own: Mapping[str, tuple[Row, ...]] = field(default_factory=dict)  # table: whole rows
    mentions: Mapping[str, tuple[Row, ...]] = field(default_factory=dict)  # table: ids only

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in (*self.own.values(), *self.mentions.values()))


class ExportStore(Protocol):
    async def export_user(self, wanted: Wanted) -> UserRecords:
        """Every row of every table that mentions the user, read in one statement (one
        snapshot): whole where it is theirs, its ids alone where it is shared."""
        ...
