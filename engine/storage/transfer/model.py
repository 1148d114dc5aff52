"""The schema as the copy sees it: tables read from the database itself (what the migrations
created), never from a list kept here, so a table or column that a later migration adds is
copied without a change to this package."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

# What a column holds, as far as copying and comparing are concerned. SQLite declares little
# (TEXT for an instant, INTEGER for a flag), PostgreSQL more (timestamptz, boolean); a column's
# kind is the more precise of its two sides (`combined_kind`).
Kind = Literal["int", "float", "text", "bytes", "bool", "timestamp", "json", "decimal", "any"]

# Kinds that may stand on one side for the other's more precise kind: SQLite keeps an instant as
# ISO text, a flag as an integer, JSON as text; "any" is a SQLite column declared without a type.
_WIDER: dict[Kind, frozenset[Kind]] = {
    "timestamp": frozenset({"text", "any"}),
    "bool": frozenset({"int", "any"}),
    "json": frozenset({"text", "any"}),
    "decimal": frozenset({"text", "int", "float", "any"}),
}


class TransferError(Exception):
    """A copy, backup or upgrade that cannot go ahead; the message is safe to show (no URL
    password, no row contents) and says what to do."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    declared: str  # the type as the database spells it, for messages


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    references: frozenset[str] = field(default_factory=frozenset)  # tables its foreign keys name
    counter: str | None = None  # the column a sequence or AUTOINCREMENT numbers, if any

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def combined_kind(table: str, source: Column, target: Column) -> Kind:
    """The kind both sides of a column agree on, or a TransferError when they cannot."""
    if source.kind == target.kind:
        return source.kind
    for precise, other in ((source.kind, target.kind), (target.kind, source.kind)):
        if other in _WIDER.get(precise, frozenset()):
            return precise
    if "any" in (source.kind, target.kind):
        return target.kind if source.kind == "any" else source.kind
    raise TransferError(
        f"column {table}.{source.name} is {source.declared} in the source but "
        f"{target.declared} in the target: the two schemas differ"
    )


def matched_tables(source: Sequence[Table], target: Sequence[Table]) -> list[tuple[Table, Table]]:
    """Pair each source table with the target's, in an order where every table comes after the
    tables it refers to; refuse when the two schemas do not have the same tables and columns."""
    by_name = {table.name: table for table in target}
    missing = sorted({t.name for t in source} - by_name.keys())
    extra = sorted(by_name.keys() - {t.name for t in source})
    if missing or extra:
        raise TransferError(
            "the two databases do not have the same tables"
            + (f"; only in the source: {', '.join(missing)}" if missing else "")
            + (f"; only in the target: {', '.join(extra)}" if extra else "")
        )
    pairs = []
    for table in ordered_by_references(source):
        other = by_name[table.name]
        if set(table.column_names) != set(other.column_names):
            only_source = sorted(set(table.column_names) - set(other.column_names))
            only_target = sorted(set(other.column_names) - set(table.column_names))
            raise TransferError(
                f"table {table.name} has different columns (source only: {only_source}, "
                f"target only: {only_target})"
            )
        pairs.append((table, other))
    return pairs


def ordered_by_references(tables: Iterable[Table]) -> list[Table]:
    """Parents before children (Kahn's algorithm, ties by name so the order is stable). A table
    referring to itself is fine; a cycle between tables is refused, since no order fills it."""
    pending = {table.name: table for table in tables}
    done: list[Table] = []
    while pending:
        ready = sorted(
            name
            for name, table in pending.items()
            if all(ref == name or ref not in pending for ref in table.references)
        )
        if not ready:
            raise TransferError(
                "these tables refer to each other in a cycle, which copy cannot order: "
                + ", ".join(sorted(pending))
            )
        for name in ready:
            done.append(pending.pop(name))
    return done
