"""The climbs port: each scope's ladder game (/climb), one at a time per scope.

The document is the load package's own format (engine/load/codec.py), versioned by its writer;
to storage it is opaque text. `game` numbers the scope's games, so a button of an earlier game
acts on nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from engine.ports.keys import Scope


@dataclass(frozen=True, slots=True)
class StoredClimb:
    game: int  # 1 for the scope's first game, then one more for each new start
    document: str
    version: int  # bumped by every save; a save names the version it read


class ClimbStore(Protocol):
    async def load_climb(self, scope: Scope) -> StoredClimb | None:
        """The scope's latest climb (running or over), or None if it never played."""
        ...

    async def save_climb(
        self, scope: Scope, game: int, document: str, expected_version: int, now: datetime
    ) -> bool:
        """Save if the stored version is still `expected_version` (0: none stored yet); returns
        False, changing nothing, if someone else saved first."""
        ...
