"""A simulated HTTP request and the cache key and SQL it stands for."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def _parts(self) -> list[str]:
        return [p for p in self.path.split("/") if p]

    @property
    def entity(self) -> str:
        parts = self._parts
        if not parts:
            return "page"
        return _ENTITY_ALIASES.get(parts[0], parts[0])

    @property
    def key(self) -> str:
        """The cache key: `/u/7` -> `user:7`, `/feed` -> `feed`, `/` -> `page:home`."""
        parts = self._parts
        if not parts:
            return "page:home"
        if len(parts) == 1:
            return parts[0]
        return ":".join([self.entity, *parts[1:]])

    @property
    def table(self) -> str:
        entity = self.entity
        return entity if entity.endswith("s") else entity + "s"

    def sql(self) -> str:
        parts = self._parts
        ident = parts[1] if len(parts) >= 2 else None
        where = f"WHERE id = {_literal(ident)}" if ident is not None and len(parts) == 2 else ""
        if self.method.is_read:
            return f"SELECT * FROM {self.table} {where}".strip()
        if self.method is Method.POST:
            return f"INSERT INTO {self.table} VALUES (…)"
        if self.method is Method.DELETE:
            return f"DELETE FROM {self.table} {where}".strip()
        return f"UPDATE {self.table} SET … {where}".strip()


def _literal(ident: str) -> str:
    return ident if ident.isdigit() else f"'{ident}'"
