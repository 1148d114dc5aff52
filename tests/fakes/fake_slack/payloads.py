"""What Slack sends to an app: signed HTTP bodies and the payloads Socket Mode wraps in envelopes.

Shapes follow shared/reference/platforms.md, section 1.3: slash commands are form-encoded fields,
interactivity is one form field ``payload=<JSON>``, the Events API is a JSON body. The signature
covers the exact raw body bytes, so every builder fixes the body once and keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

JSON = dict[str, Any]
EnvelopeType = Literal["slash_commands", "interactive", "events_api"]
FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"

_event_ids = itertools.count(1)
FAKE_ONLY = ("channel", "ephemeral_to")  # message keys the fake keeps that Slack's objects lack


@dataclass(frozen=True)
class Workspace:
    """The identity of the fake workspace and app, shared by every payload."""

    team_id: str = "T0RUNGS"
    team_domain: str = "rungs-study"
    api_app_id: str = "A0RUNGS"
    bot_user_id: str = "U0RUNGSBOT"
    bot_id: str = "B0RUNGS"
    # Slack still sends the deprecated verification token in every payload; Bolt ignores it.
    verification_token: str = "fake-verification-token"


@dataclass(frozen=True)
class Outgoing:
    """One request from Slack to the app, ready for HTTP (``body``) or Socket Mode (``payload``)."""

    envelope_type: EnvelopeType
    payload: JSON
    body: str
    content_type: str
    response_url: str | None = None
    trigger_id: str | None = None


def signature_headers(secret: str, timestamp: int, body: str) -> dict[str, str]:
    """``X-Slack-Signature`` = ``v0=`` + HMAC-SHA256(secret, ``v0:{ts}:{raw body}``)."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Signature": f"v0={digest}", "X-Slack-Request-Timestamp": str(timestamp)}


def _user(ws: Workspace, user_id: str, user_name: str) -> JSON:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": ws.team_id}


def _interactive(payload: JSON, response_url: str | None, trigger_id: str | None) -> Outgoing:
    body = urlencode({"payload": json.dumps(payload)})
    return Outgoing("interactive", payload, body, FORM, response_url, trigger_id)


def slash_command(
    ws: Workspace,
    *,
    command: str,
    text: str,
    user_id: str,
    user_name: str,
    channel_id: str,
    channel_name: str,
    response_url: str,
    trigger_id: str,
) -> Outgoing:
    fields = {
        "token": ws.verification_token,
        "team_id": ws.team_id,
        "team_domain": ws.team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": ws.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    # Socket Mode carries the same fields as a JSON object (all strings), not a form.
    return Outgoing("slash_commands", fields, urlencode(fields), FORM, response_url, trigger_id)


def _blocks_of(message: JSON) -> list[JSON]:
    blocks = message.get("blocks")
    return [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []


def _elements(block: JSON) -> Iterator[JSON]:
    for element in block.get("elements") or []:
        if isinstance(element, dict):
            yield element
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        yield accessory


def find_button(message_or_view: JSON, action_id: str) -> tuple[str, JSON]:
    """The ``(block_id, element)`` of the element with ``action_id`` in the blocks."""
    for block in _blocks_of(message_or_view):
        for element in _elements(block):
            if element.get("action_id") == action_id:
                return str(block.get("block_id", "")), element
    raise LookupError(f"no element with action_id={action_id!r} in the blocks")


def _action(message_or_view: JSON, action_id: str, value: str | None) -> JSON:
    block_id, button = find_button(message_or_view, action_id)
    action: JSON = {
        "action_id": action_id,
        "block_id": block_id,
        "text": button.get("text"),
        "value": button.get("value") if value is None else value,
        "type": button.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
    }
    if "style" in button:
        action["style"] = button["style"]
    return action


def block_actions(
    ws: Workspace,
    *,
    message: JSON,
    action_id: str,
    user_id: str,
    user_name: str,
    channel_name: str,
    response_url: str,
    trigger_id: str,
    value: str | None = None,
) -> Outgoing:
    """A button click on ``message`` (a message as the fake stores it: channel, ts, blocks…)."""
    ephemeral = "ephemeral_to" in message
    payload: JSON = {
        "type": "block_actions",
        "user": _user(ws, user_id, user_name),
        "api_app_id": ws.api_app_id,
        "token": ws.verification_token,
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": message["channel"],
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id,
        "team": {"id": ws.team_id, "domain": ws.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": message["channel"], "name": channel_name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [_action(message, action_id, value)],
    }
    if not ephemeral:  # Slack leaves the message out when it was ephemeral
        payload["message"] = {k: v for k, v in message.items() if k not in FAKE_ONLY}
    return _interactive(payload, response_url, trigger_id)


def view_actions(
    ws: Workspace,
    *,
    view: JSON,
    action_id: str,
    user_id: str,
    user_name: str,
    trigger_id: str,
    value: str | None = None,
) -> Outgoing:
    """A button click inside a view (App Home or modal): no channel and no response_url."""
    payload: JSON = {
        "type": "block_actions",
        "user": _user(ws, user_id, user_name),
        "api_app_id": ws.api_app_id,
        "token": ws.verification_token,
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": trigger_id,
        "team": {"id": ws.team_id, "domain": ws.team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view,
        "actions": [_action(view, action_id, value)],
    }
    return _interactive(payload, None, trigger_id)


def _input_types(view: JSON) -> dict[tuple[str, str], str]:
    types: dict[tuple[str, str], str] = {}
    for block in _blocks_of(view):
        element = block.get("element")
        if block.get("type") == "input" and isinstance(element, dict):
            types[str(block.get("block_id")), str(element.get("action_id"))] = str(
                element.get("type", "plain_text_input")
            )
    return types


def view_state(view: JSON, values: Mapping[str, Mapping[str, str | JSON]]) -> JSON:
    """``state.values`` for ``values`` = {block_id: {action_id: text or a raw value object}}."""
    types = _input_types(view)
    state: JSON = {}
    for block_id, actions in values.items():
        for action_id, value in actions.items():
            kind = types.get((block_id, action_id))
            if kind is None:
                raise LookupError(f"the view has no input {block_id}/{action_id}")
            entry = {"value": value} if isinstance(value, str) else dict(value)
            state.setdefault(block_id, {})[action_id] = {"type": kind, **entry}
    return {"values": state}


def view_submission(
    ws: Workspace,
    *,
    view: JSON,
    values: Mapping[str, Mapping[str, str | JSON]],
    user_id: str,
    user_name: str,
    trigger_id: str,
) -> Outgoing:
    submitted = {**view, "state": view_state(view, values)}
    payload: JSON = {
        "type": "view_submission",
        "team": {"id": ws.team_id, "domain": ws.team_domain},
        "user": _user(ws, user_id, user_name),
        "api_app_id": ws.api_app_id,
        "token": ws.verification_token,
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],  # only filled for inputs with response_url_enabled
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return _interactive(payload, None, trigger_id)


def event_callback(ws: Workspace, event: JSON) -> Outgoing:
    """An Events API delivery wrapping ``event`` (Bolt dedupes nothing: ``event_id`` is yours)."""
    now = time.time()
    payload: JSON = {
        "token": ws.verification_token,
        "team_id": ws.team_id,
        "api_app_id": ws.api_app_id,
        "event": {"event_ts": f"{now:.6f}", **event},
        "type": "event_callback",
        "event_id": f"Ev{next(_event_ids):08d}",
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return Outgoing("events_api", payload, json.dumps(payload), JSON_TYPE)
