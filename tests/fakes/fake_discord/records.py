# ruff: noqa: ASYNC109  # the wait_* helpers take a timeout: it bounds every wait in the tests
"""What the fake records and shares: Discord's constants, error answers, the journals of REST
calls, callbacks and gateway frames, and the small JSON helpers every part uses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

JSON = dict[str, Any]
Reply = tuple[int, Any]  # status and a JSON body; a None body is sent as 204 No Content
OptionValue = str | int | float | bool
# What a user enters in a modal: text (inputs, radio groups), a tick (checkbox), choices (selects).
FieldValue = str | bool | Sequence[str]

DISCORD_EPOCH_MS = 1_420_070_400_000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
COMPONENTS_V2 = 1 << 15
APP_PERMISSIONS = "2248473465835073"

# Interaction types.
# Interaction types and the callback types Discord accepts for each.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5

T = TypeVar("T")


class DiscordError(Exception):
    """An error answer, shaped like Discord's: ``{"code", "message"[, "errors"]}``."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> JSON:
        body: JSON = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def form_error(errors: Mapping[str, str], prefix: str = "") -> DiscordError:
    """Discord's ``50035 Invalid Form Body`` with errors nested by dotted path."""
    nested: JSON = {}
    for path, text in errors.items():
        node = nested
        for part in f"{prefix}{path}".split("."):
            node = node.setdefault(part, {})
        node["_errors"] = [{"code": "BASE_TYPE_BAD", "message": text}]
    return DiscordError(400, 50035, "Invalid Form Body", nested)


@dataclass
class RestCall:
    method: str
    path: str  # relative to /api/v10, e.g. "/interactions/1/abc/callback"
    query: dict[str, str]
    body: Any
    at: float
    files: list[Any] = field(default_factory=list)  # uploads.Upload, one per files[n] part
    status: int = 0
    response: Any = None
    headers: dict[str, str] = field(default_factory=dict)  # the answer's extra headers (429s)


@dataclass
class Callback:
    """One ``POST /interactions/{id}/{token}/callback``, accepted or not."""

    interaction_id: str
    body: JSON
    elapsed: float  # seconds from dispatch to the callback's arrival
    status: int = 0
    response: JSON | None = None
    message: JSON | None = None  # a snapshot of the message the callback created or updated

    @property
    def type(self) -> int:
        return int(self.body.get("type", 0))

    @property
    def data(self) -> JSON:
        return dict(self.body.get("data") or {})

    @property
    def error_code(self) -> int | None:
        return None if self.status < 400 or self.response is None else self.response.get("code")


@dataclass
class GatewayFrame:
    """One frame the fake received from a client."""

    op: int
    d: Any
    session_id: str | None
    shard: tuple[int, int] | None
    at: float


@dataclass(frozen=True)
class FakeGuild:
    id: str
    name: str
    channel_id: str


@dataclass
class InteractionState:
    id: str
    token: str
    payload: JSON
    dispatched_at: float
    acked_type: int | None = None
    original_id: str | None = None
    followups: list[str] = field(default_factory=list)
    modal: JSON | None = None
    shards: list[tuple[int, int]] = field(default_factory=list)  # (shard_id, num_shards) sent to
    # HTTP mode: set once the endpoint's response is taken as the callback. Discord reads that
    # response as it arrives, before any webhook call the bot makes after it.
    answered: asyncio.Event = field(default_factory=lambda: _set(asyncio.Event()))

    @property
    def type(self) -> int:
        return int(self.payload["type"])

    @property
    def user(self) -> JSON:
        return dict(self.payload.get("member", {}).get("user") or self.payload["user"])


def _set(event: asyncio.Event) -> asyncio.Event:
    event.set()
    return event


class Journal(Generic[T]):
    """A list that can be awaited for the first item matching a predicate."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []

    def add(self, item: T) -> None:
        self.items.append(item)
        for predicate, future in self._waiters:
            if not future.done() and predicate(item):
                future.set_result(item)
        self._waiters = [(p, f) for p, f in self._waiters if not f.done()]

    async def wait(self, predicate: Callable[[T], bool], timeout: float = 5.0) -> T:
        for item in self.items:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            recent = "\n  ".join(repr(i) for i in self.items[-8:])
            raise TimeoutError(
                f"nothing matched within {timeout} s; last items:\n  {recent}"
            ) from None


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def walk_components(components: Sequence[JSON]) -> Iterator[JSON]:
    """Every component of a message or modal, depth first (rows, containers, labels...)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            if component.get(key):
                yield from walk_components([component[key]])


def user_payload(user_id: str, name: str, *, bot: bool = False) -> JSON:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "public_flags": 0,
        "bot": bot,
    }
