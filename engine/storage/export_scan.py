"""/export's scan, for both dialects: one statement over every table of the schema, built from
the catalogue (so a table a later migration adds is scanned without a change here), that
returns each row mentioning the user as a JSON object, and whether the row is theirs.

A row is the user's own when one of its text columns *is* their key or their own space's scope,
or holds either as a JSON string (a job's payload, `"user": "slack:T1:U7"`); it only mentions
them when a text column holds their reference (`⟦id⟧`, engine/tutor/names.py) and its `scope`
is in their workspace. Keys are compared exactly (instr, strpos: LIKE would read `%` and `_` in
an id as wildcards).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from engine.ports import UserRecords, Wanted
from engine.ports.exports import JsonValue, Row
from engine.storage.codecs import board_text, scope_text, user_text

Dialect = Literal["sqlite", "postgres"]
SKIPPED = frozenset({"schema_migrations"})  # the migrations' bookkeeping: about no one
# Columns that hold a shared document even in a row that is the user's own: a cluster change
# they made keeps the channel's whole cluster from before it (for /cluster undo), which is
# other learners' too. Their own row is exported without it.
SHARED_COLUMNS: dict[str, frozenset[str]] = {"cluster_changes": frozenset({"before"})}


@dataclass(frozen=True, slots=True)
class ScannedTable:
    name: str
    columns: tuple[str, ...]
    texts: tuple[str, ...]  # the columns that can hold a key or a reference
    ids: tuple[str, ...]  # the primary key's columns: with a number column, what a shared row shows


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def parameters(wanted: Wanted) -> tuple[str, str, str, str, str, str, str]:
    """(key, own scope, key as a JSON string, own scope as one, reference, workspace prefix,
    bare user id): the statement's parameters 1 to 7, in both dialects."""
    key, own = user_text(wanted.user), scope_text(wanted.own)
    prefix = board_text(wanted.own.board) + ":"
    return key, own, json.dumps(key), json.dumps(own), wanted.ref, prefix, wanted.user.user_id


def statement(tables: Iterable[ScannedTable], dialect: Dialect) -> str:
    """`SELECT table, mine, row` for every table, joined by UNION ALL: one snapshot."""
    parts = [
        _select(table, dialect) for table in tables if table.texts and table.name not in SKIPPED
    ]
    return "\nUNION ALL\n".join(parts) if parts else "SELECT '', 0, '{}' WHERE 1 = 0"


def _select(table: ScannedTable, dialect: Dialect) -> str:
    p = (
        ["?1", "?2", "?3", "?4", "?5", "?6", "?7"]
        if dialect == "sqlite"
        else [f"${n}::text" for n in range(1, 8)]
    )

    def has(column: str, needle: str) -> str:
        if dialect == "sqlite":
            return f"instr({column}, {needle}) > 0"
        return f"strpos({column}::text, {needle}) > 0"

    def text(column: str) -> str:
        return column if dialect == "sqlite" else f"{column}::text"

    cols = [quoted(c) for c in table.texts]
    mine = " OR ".join(
        f"{text(c)} = {p[0]} OR {text(c)} = {p[1]} OR {has(c, p[2])} OR {has(c, p[3])}"
        for c in cols
    )
    named = " OR ".join(has(c, p[4]) for c in cols)
    if "scope" in table.columns:
        scope = text(quoted("scope"))
        in_workspace = (
            f"substr({scope}, 1, length({p[5]})) = {p[5]}"
            if dialect == "sqlite"
            else f"starts_with({scope}, {p[5]})"
        )
        named = f"({named}) AND {in_workspace}"
        if "user_id" in table.texts:  # a row in a shared scope that says who did it, by bare id
            mine = f"{mine} OR ({text(quoted('user_id'))} = {p[6]} AND {in_workspace})"
    else:
        named = "FALSE" if dialect == "postgres" else "0"
    # A shared row shows its key, its scope and its number (a trace's), never its contents:
    # they are other learners' too.
    shown = [c for c in table.columns if c in table.ids or c.endswith("_no") or c == "scope"]
    shared = SHARED_COLUMNS.get(table.name, frozenset())
    whole = _object([c for c in table.columns if c not in shared], dialect)
    ids = _object(shown, dialect)
    return (
        f"SELECT {literal(table.name)} AS tbl, ({mine}) AS mine, "  # noqa: S608 - the catalogue's
        f"CASE WHEN ({mine}) THEN {whole} ELSE {ids} END AS doc "
        f"FROM {quoted(table.name)} WHERE ({mine}) OR ({named})"
    )


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _object(columns: Sequence[str], dialect: Dialect) -> str:
    """The columns as one JSON object, as text."""
    pairs = ", ".join(f"{literal(c)}, {quoted(c)}" for c in columns)
    if dialect == "sqlite":
        return f"json_object({pairs})"
    return f"json_build_object({pairs})::text"


def records(rows: Iterable[Sequence[object]]) -> UserRecords:
    """The statement's rows as the port's value: JSON held as text inside a column (a cluster's
    state, a job's target) is read, so the export is one document and not JSON in strings."""
    own: dict[str, list[Row]] = {}
    mentions: dict[str, list[Row]] = {}
    for table, mine, doc in rows:
        row = {k: readable(v) for k, v in json.loads(str(doc)).items()}
        (own if mine else mentions).setdefault(str(table), []).append(row)
    return UserRecords(
        {t: tuple(r) for t, r in sorted(own.items())},
        {t: tuple(r) for t, r in sorted(mentions.items())},
    )


def readable(value: JsonValue) -> JsonValue:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            decoded: JsonValue = json.loads(value)
        except ValueError:
            return value
        return decoded
    return value


def tables_of(columns: Iterable[Sequence[object]], dialect: Dialect) -> list[ScannedTable]:
    """The catalogue's (table, column, declared type, in the primary key) rows as tables."""
    found: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for table, column, declared, in_key in columns:
        names, texts, ids = found.setdefault(str(table), ([], [], []))
        names.append(str(column))
        if _holds_text(str(declared or ""), dialect):
            texts.append(str(column))
        if in_key:
            ids.append(str(column))
    return [
        ScannedTable(name, tuple(names), tuple(texts), tuple(ids))
        for name, (names, texts, ids) in sorted(found.items())
    ]


def _holds_text(declared: str, dialect: Dialect) -> bool:
    upper = declared.upper()
    if dialect == "postgres":
        return upper in ("TEXT", "CHARACTER VARYING", "JSON", "JSONB")
    # SQLite's text affinity, and a column declared without a type (it holds anything).
    return not upper or any(word in upper for word in ("CHAR", "CLOB", "TEXT", "JSON"))
