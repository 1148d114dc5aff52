"""Signed Slack requests that are not what Slack sends get 400 and change nothing, before Bolt
reads them (Bolt answers some with 500: a non-numeric timestamp, a `payload` that is not JSON,
a body that is not UTF-8, a payload whose objects or actions are of the wrong type, JSON nested
deeper than the parser goes). Only signed requests are judged here: an unsigned, stale or tampered
one is passed on, and Bolt's own check answers it 401 as before.

What Slack sends to the events URL: slash commands as a form (`command`, `team_id`, `user_id`,
`trigger_id`); interactions as a form whose `payload` is a JSON object with a `type` and a
`user`; events as a JSON object with a `type` (an `event_callback` with an `event_id` and an
`event`)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from aiohttp.typedefs import Middleware

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
COMMAND_FIELDS = ("command", "team_id", "user_id", "trigger_id")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def problem_of(
    raw: bytes, content_type: str, headers: Mapping[str, str], secret: str
) -> str | None:
    """Why a request is malformed, or None: well formed, or not signed (Bolt's to judge)."""
    stamp = headers.get("X-Slack-Request-Timestamp")
    signature = headers.get("X-Slack-Signature")
    if stamp is None or signature is None:
        return None
    if not (stamp.isascii() and stamp.isdigit()):  # "²" is a digit to isdigit(), not to int()
        return "the request timestamp is not a number"
    if not signed(raw, stamp, signature, secret):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type == FORM:
        return _form_problem(text)
    if content_type == JSON_TYPE:
        return _event_problem(_json_object(text))
    return f"unsupported content type {content_type or 'none'}"


def signed(raw: bytes, stamp: str, signature: str, secret: str) -> bool:
    """Slack's v0 signature over the raw bytes (slack_sdk's verifier decodes them first, so a
    body that is not UTF-8 would raise there). Staleness is left to Bolt's own check."""
    base = b"v0:" + stamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _form_problem(text: str) -> str | None:
    try:
        form = {k: v[0] for k, v in parse_qs(text, strict_parsing=True).items()}
    except ValueError:
        return "the form body does not parse"
    if "payload" in form:
        payload = _json_object(form["payload"])
        if payload is None:
            return "the payload is not a JSON object"
        if not isinstance(payload.get("type"), str) or not isinstance(payload.get("user"), dict):
            return "the payload has no type or user"
        return _payload_shape_problem(payload)
    if "command" in form or not form.keys() <= {"ssl_check", "token"}:
        missing = [name for name in COMMAND_FIELDS if not form.get(name)]
        if missing:
            return f"the command lacks {', '.join(missing)}"
    return None


# The parts of an interaction payload that are objects when Slack sends them (or null, for
# some of them): Bolt (and once.py) read into them without checking, and fail with a 500.
_OBJECTS = ("team", "channel", "container", "message", "enterprise", "view")


def _payload_shape_problem(payload: dict[str, Any]) -> str | None:
    wrong = [k for k in _OBJECTS if k in payload and not isinstance(payload[k], dict | None)]
    if wrong:
        return f"the payload's {', '.join(wrong)} is not an object"
    actions = payload.get("actions", []) if payload["type"] == "block_actions" else []
    if not isinstance(actions, list) or not all(
        isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions
    ):
        return "the payload's actions are not objects with an action_id"
    return None


def _event_problem(body: dict[str, Any] | None) -> str | None:
    if body is None or not isinstance(body.get("type"), str):
        return "the body is not a JSON object with a type"
    if body["type"] == "event_callback" and (
        not isinstance(body.get("event_id"), str) or not isinstance(body.get("event"), dict)
    ):
        return "the event has no event_id or event"
    return None


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # nested deeper than the parser goes
        return None
    return value if isinstance(value, dict) else None


def well_formed(path: str, secret: str) -> Middleware:
    """An aiohttp middleware judging the POSTs to `path` before Bolt does."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != path:
            return await handler(request)
        raw = await request.read()  # aiohttp keeps it: Bolt reads the same bytes after
        problem = problem_of(raw, request.content_type, request.headers, secret)
        if problem is not None:
            log.warning("a malformed Slack request was refused: %s", problem)
            return web.Response(status=400, text=f"Bad request: {problem}.")
        return await handler(request)

    return middleware
