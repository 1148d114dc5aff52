"""Discord's limits on what a bot sends (message bodies, components, modals, autocomplete
choices, registered commands), answered as ``400`` 50035 by the callers, and who a message
would ping under ``allowed_mentions``."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .records import COMPONENTS_V2, JSON, walk_components

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def resolve_mentions(
    content: str, allowed: JSON | None, default_parse: tuple[str, ...]
) -> tuple[bool, list[str], list[str]]:
    """Who would be pinged: ``@everyone``/``@here``, users and roles that ``allowed_mentions``
    lets through (interactions and webhooks default to users only, channel messages to all)."""
    parse = set(default_parse if allowed is None else allowed.get("parse") or [])
    users_ok = {str(u) for u in (allowed or {}).get("users") or []}
    roles_ok = {str(r) for r in (allowed or {}).get("roles") or []}
    everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
    users = [u for u in _USER_MENTION.findall(content) if "users" in parse or u in users_ok]
    roles = [r for r in _ROLE_MENTION.findall(content) if "roles" in parse or r in roles_ok]
    return everyone, list(dict.fromkeys(users)), list(dict.fromkeys(roles))


def _too_long(errors: dict[str, str], path: str, text: Any, limit: int) -> int:
    size = len(text or "")
    if size > limit:
        errors[path] = f"Must be {limit} or fewer in length."
    return size


def message_errors(data: JSON) -> dict[str, str]:
    """Discord's limits on a message body (content, embeds, components)."""
    errors: dict[str, str] = {}
    _too_long(errors, "content", data.get("content"), 2000)
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        errors["embeds"] = "Must be 10 or fewer in length."
    total = 0
    for i, embed in enumerate(embeds):
        total += _too_long(errors, f"embeds.{i}.title", embed.get("title"), 256)
        total += _too_long(errors, f"embeds.{i}.description", embed.get("description"), 4096)
        total += _too_long(
            errors, f"embeds.{i}.footer.text", (embed.get("footer") or {}).get("text"), 2048
        )
        total += _too_long(
            errors, f"embeds.{i}.author.name", (embed.get("author") or {}).get("name"), 256
        )
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors[f"embeds.{i}.fields"] = "Must be 25 or fewer in length."
        for j, item in enumerate(fields):
            total += _too_long(errors, f"embeds.{i}.fields.{j}.name", item.get("name"), 256)
            total += _too_long(errors, f"embeds.{i}.fields.{j}.value", item.get("value"), 1024)
    if total > 6000:
        errors["embeds"] = "Embed size exceeds maximum size of 6000"
    v2 = bool(int(data.get("flags") or 0) & COMPONENTS_V2)
    errors.update(_component_errors(data.get("components") or [], v2=v2))
    return errors


def _component_errors(components: Sequence[JSON], *, v2: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    every = list(walk_components(components))
    ids = [c["custom_id"] for c in every if "custom_id" in c]
    for component in every:
        _too_long(
            errors,
            f"components.custom_id.{component.get('custom_id')}",
            component.get("custom_id"),
            100,
        )
        if component.get("type") == 2:
            _too_long(
                errors, f"components.label.{component.get('custom_id')}", component.get("label"), 80
            )
    if len(ids) != len(set(ids)):
        errors["components"] = "Component custom id cannot be duplicated"
    if v2:
        if len(every) > 40:
            errors["components"] = "Must be 40 or fewer in total."
        return errors
    if len(components) > 5:
        errors["components"] = "Must be 5 or fewer in length."
    for i, row in enumerate(components):
        children = row.get("components") or []
        if row.get("type") != 1:
            errors[f"components.{i}.type"] = "Top-level components must be action rows."
        elif not 1 <= len(children) <= 5:
            errors[f"components.{i}.components"] = "Must be between 1 and 5 in length."
        elif len(children) > 1 and any(c.get("type") != 2 for c in children):
            errors[f"components.{i}.components"] = "A select menu must be alone in its row."
    return errors


def _modal_errors(data: JSON) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not 1 <= len(data.get("title") or "") <= 45:
        errors["title"] = "Must be between 1 and 45 in length."
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        errors["custom_id"] = "Must be between 1 and 100 in length."
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors["components"] = "Must be between 1 and 5 in length."
    for component in walk_components(components):
        if component.get("type") == 18:
            _too_long(errors, "components.label", component.get("label"), 45)
        if component.get("type") == 4:
            cid = component.get("custom_id")
            _too_long(errors, f"components.{cid}.label", component.get("label"), 45)
            _too_long(errors, f"components.{cid}.value", component.get("value"), 4000)
            _too_long(errors, f"components.{cid}.placeholder", component.get("placeholder"), 100)
            if int(component.get("max_length") or 0) > 4000:
                errors[f"components.{cid}.max_length"] = "Must be 4000 or less."
    return errors


def _choice_errors(data: JSON) -> dict[str, str]:
    return (
        {"choices": "Must be 25 or fewer in length."} if len(data.get("choices") or []) > 25 else {}
    )


_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")


def command_errors(command: JSON, path: str = "", *, option: bool = False) -> dict[str, str]:
    """Discord's checks on a registered command and its options (names, lengths, counts)."""
    errors: dict[str, str] = {}
    name = str(command.get("name", ""))
    if option or command.get("type", 1) == 1:  # chat input commands and every option
        if not _COMMAND_NAME.fullmatch(name) or name != name.lower():
            errors[f"{path}name"] = "Command name is invalid"
        if not 1 <= len(command.get("description") or "") <= 100:
            errors[f"{path}description"] = "Must be between 1 and 100 in length."
    elif not 1 <= len(name) <= 32:  # user and message commands: free-form names
        errors[f"{path}name"] = "Must be between 1 and 32 in length."
    options = command.get("options") or []
    if len(options) > 25:
        errors[f"{path}options"] = "Must be 25 or fewer in length."
    if len(command.get("choices") or []) > 25:
        errors[f"{path}choices"] = "Must be 25 or fewer in length."
    for i, item in enumerate(options):
        errors.update(command_errors(item, f"{path}options.{i}.", option=True))
    return errors


CALLBACK_CHECKS: dict[int, Callable[[JSON], dict[str, str]]] = {
    4: message_errors,
    7: message_errors,
    8: _choice_errors,
    9: _modal_errors,
}
