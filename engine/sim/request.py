"""A simulated HTTP request and the cache key and SQL it stands for."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# Short path segments people type, mapped to the entity they name (`/u/7` is user 7).
_ENTITY_ALIASES = {"u": "user", "users": "user", "p": "post", "posts": "post", "o": "order"}


class Method(StrEnum):
    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"

    @property
    def is_read(self) -> bool:
        return self in (Method.GET, Method.HEAD)


@dataclass(frozen=True, slots=True)
class Request:
    method: Method
    path: str  # already validated by the command parser: starts with '/', safe characters
    # Derived once from the path: a trace asks for them at nearly every step.
    parts: tuple[str, ...] = field(init=False)
    entity: str = field(init=False)
    key: str = field(init=False)  # the cache key: `/u/7` -> `user:7`, `/feed` -> `feed`

    def __post_init__(self) -> None:
        parts = tuple(p for p in self.path.split("/") if p)
        entity = _ENTITY_ALIASES.get(parts[0], parts[0]) if parts else "page"
        if not parts:
            key = "page:home"
        elif len(parts) == 1:
            key = parts[0]
        else:
            key = ":".join([entity, *parts[1:]])
        object.__setattr__(self, "parts", parts)
        object.__setattr__(self, "entity", entity)
        object.__setattr__(self, "key", key)

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def table(self) -> str:
        entity = self.entity
        return entity if entity.endswith("s") else entity + "s"

    @property
    def is_point(self) -> bool:
        """`/u/7` names one row; `/u` and `/u/7/posts` name a collection."""
        return len(self.parts) == 2

    @property
    def row_key(self) -> str | None:
        """The row the path names, which is also its shard key: `/u/7` and `/u/7/posts` both
        belong to user 7 (a user's posts live on the user's shard); `/u` and `/feed` name no
        single row, so a sharded database must ask every shard."""
        if len(self.parts) < 2:
            return None
        return f"{self.entity}:{self.parts[1]}"

    def sql(self) -> str:
        table, where = self._target()
        if self.method.is_read:
            return f"SELECT * FROM {table} {where}".strip()
        if self.method is Method.POST:
            return f"INSERT INTO {table} VALUES (…)"
        if self.method is Method.DELETE:
            return f"DELETE FROM {table} {where}".strip()
        return f"UPDATE {table} SET … {where}".strip()

    def _target(self) -> tuple[str, str]:
        parts = self.parts
        if len(parts) == 2:
            return self.table, f"WHERE id = {_literal(parts[1])}"
        if len(parts) >= 3:  # /u/7/posts: the posts of user 7
            child = parts[-1] if parts[-1].endswith("s") else parts[-1] + "s"
            return child, f"WHERE {self.entity}_id = {_literal(parts[1])}"
        return self.table, ""


def _literal(ident: str) -> str:
    return ident if ident.isdigit() else f"'{ident}'"
