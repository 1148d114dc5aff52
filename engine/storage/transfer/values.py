"""Values on their way from one dialect to the other, and the checksum that proves they arrived.

SQLite keeps an instant as ISO 8601 UTC text and a flag as 0 or 1; PostgreSQL as timestamptz
and boolean. A value is converted for the target by its column's kind, and every row is hashed
in a canonical form of those kinds on both sides (an instant as microseconds since 1970, a flag as
0 or 1), so a row reads back equal whichever dialect holds it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal

from engine.storage.transfer.model import Kind, TransferError

Dialect = Literal["sqlite", "postgres"]
Row = tuple[object, ...]
Convert = Callable[[object], object]

_MODULUS = 1 << 128
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _instant(value: object) -> datetime:
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        when = datetime.fromisoformat(value)
    else:
        raise TypeError(f"{type(value).__name__} is not an instant")
    # SQLite's own clock functions (datetime('now')) write UTC without an offset.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _sqlite_instant(value: object) -> str:
    # The text the SQLite store writes (engine/storage/sqlite_times.py), so that text order
    # stays time order among copied rows and rows written later.
    return value if isinstance(value, str) else _instant(value).astimezone(UTC).isoformat()


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise TypeError("not a flag (0 or 1)")


def _whole(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"{type(value).__name__} is not an integer")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"{type(value).__name__} is not text")


def _number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not a number")


def _blob(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"{type(value).__name__} is not bytes")


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal | int | str) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"{type(value).__name__} is not a decimal number")


def _json_text(value: object) -> str:
    text = _text(value)
    json.loads(text)  # refuse to move what the target would refuse
    return text


def _identity(value: object) -> object:
    return value


# Text and integers reach either dialect as they are; to PostgreSQL they are checked first, so a
# wrong type is refused here, by column, rather than by the driver with the value in its message.
_TO_POSTGRES: dict[Kind, Convert] = {
    "int": _whole,
    "float": _number,
    "text": _text,
    "bytes": _blob,
    "bool": _flag,
    "timestamp": _instant,
    "json": _json_text,
    "decimal": _decimal,
    "any": _identity,
}

_TO_SQLITE: dict[Kind, Convert] = {
    "int": _identity,
    "float": _identity,
    "text": _identity,
    "bytes": _blob,
    "bool": lambda value: int(_flag(value)),
    "timestamp": _sqlite_instant,
    "json": _identity,
    "decimal": lambda value: str(_decimal(value)),
    "any": _identity,
}

# Integers and text are hashed as they are: the two sides must then hold the very same types.
_CANONICAL: dict[Kind, Convert] = {
    "int": _identity,
    "float": lambda value: repr(_number(value)),
    "text": _identity,
    "bytes": lambda value: _blob(value).hex(),
    "bool": lambda value: int(_flag(value)),
    "timestamp": lambda value: (_instant(value) - _EPOCH) // _MICROSECOND,
    "json": lambda value: json.dumps(json.loads(_text(value)), sort_keys=True),
    "decimal": lambda value: str(_decimal(value).normalize()),
    "any": repr,
}

_WHAT: dict[Kind, str] = {
    "int": "an integer",
    "float": "a number",
    "text": "text",
    "bytes": "bytes",
    "bool": "a flag (0 or 1)",
    "timestamp": "an ISO 8601 instant",
    "json": "JSON",
    "decimal": "a decimal number",
    "any": "a value",
}

Steps = tuple[tuple[int, Convert], ...]  # (column index, conversion), identities left out


class RowShape:
    """How the rows of one table are converted for the target and put in canonical form. Only
    the columns that need it are touched: most are text or integers, which pass as they are."""

    def __init__(self, table: str, columns: tuple[str, ...], kinds: tuple[Kind, ...]) -> None:
        self.table, self.columns, self.kinds = table, columns, kinds
        self._steps: dict[str, Steps] = {
            "postgres": self._plan(_TO_POSTGRES),
            "sqlite": self._plan(_TO_SQLITE),
            "canonical": self._plan(_CANONICAL),
        }

    def _plan(self, conversions: dict[Kind, Convert]) -> Steps:
        found = ((i, conversions[kind]) for i, kind in enumerate(self.kinds))
        return tuple((i, convert) for i, convert in found if convert is not _identity)

    def for_target(self, dialect: Dialect, rows: Sequence[Row]) -> list[Row]:
        steps = self._steps[dialect]
        return [self._apply(steps, row) for row in rows] if steps else list(rows)

    def canonical(self, row: Row) -> Row:
        return self._apply(self._steps["canonical"], row)

    def _apply(self, steps: Steps, row: Row) -> Row:
        if not steps:
            return row
        converted = list(row)
        index = 0
        try:
            for index, convert in steps:
                value = converted[index]
                if value is not None:
                    converted[index] = convert(value)
        except (TypeError, ValueError):
            # Which column is wrong and what it should be; never the value itself, which may be
            # someone's answer (nor the exception's own message, which quotes it).
            raise TransferError(
                f"a row of {self.table} cannot be copied: its {self.columns[index]} is not "
                f"{_WHAT[self.kinds[index]]}"
            ) from None
        return tuple(converted)


class Checksum:
    """An order-free digest of a table's rows: the sum of each canonical row's SHA-256, so the
    two sides may be read in any order (their text collations differ) and still agree exactly
    when they hold the same rows, duplicates included."""

    def __init__(self, shape: RowShape) -> None:
        self._shape = shape
        self.rows = 0
        self._sum = 0

    def add(self, rows: Sequence[Row]) -> None:
        canonical = self._shape.canonical
        total = self._sum
        for row in rows:
            digest = hashlib.sha256(repr(canonical(row)).encode()).digest()
            total += int.from_bytes(digest[:16], "big")
        self._sum = total % _MODULUS
        self.rows += len(rows)

    @property
    def hexdigest(self) -> str:
        return f"{self._sum:032x}"
