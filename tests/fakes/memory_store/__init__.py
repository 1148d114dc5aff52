"""In-memory fakes of the engine's ports, one per aggregate, and `MemoryStore`, all of them
together: what the engine's tests and the benchmarks use where a database is beside the point.

They pass the same contract suites as the SQLite and PostgreSQL stores (tests/storage), so a
fake cannot drift from the real thing. State lives in a `MemoryData`, which several stores can
share: the same "database" opened by several nodes, or again after a restart.
"""

from .data import MemoryData
from .store import MemoryStore

__all__ = ["MemoryData", "MemoryStore"]
