"""The payloads a test pushes as INTERACTION_CREATE: slash commands (with subcommands),
autocomplete, button and select clicks on a stored message, modal submissions echoing the
modal's layout, in a guild (member, guild, channel) or a DM (user)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from .records import (
    APP_PERMISSIONS,
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    JSON,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    FieldValue,
    InteractionState,
    OptionValue,
    walk_components,
)
from .world import World


class Payloads(World):
    """Builders of INTERACTION_CREATE payloads; :meth:`dispatch_interaction` sends them."""

    interactions: dict[str, InteractionState]
    commands: dict[str | None, list[JSON]]

    def slash(
        self,
        name: str,
        options: Mapping[str, OptionValue] | Sequence[JSON] | None = None,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        """A chat-input command. ``name`` may name a subcommand: ``"drill answer"`` or
        ``"admin drill reset"`` (group + subcommand); ``options`` go to the leaf."""
        return self._command_payload(APPLICATION_COMMAND, name, options, user, guild_id, channel_id)

    def autocomplete(
        self,
        name: str,
        options: Mapping[str, OptionValue],
        focused: str,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        """An autocomplete request while the user types option ``focused`` (answered by type 8)."""
        leaf = [{**o, "focused": True} if o["name"] == focused else o for o in _options(options)]
        return self._command_payload(AUTOCOMPLETE, name, leaf, user, guild_id, channel_id)

    def button(
        self,
        custom_id: str,
        message: JSON,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        """A click on a button of ``message`` (a message dict as the fake stores it). The
        message travels with its components: discord.py rebuilds dynamic items from them."""
        return self._component_payload(custom_id, message, None, user, guild_id, channel_id)

    def select(
        self,
        custom_id: str,
        values: Sequence[str],
        message: JSON,
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
    ) -> JSON:
        return self._component_payload(custom_id, message, list(values), user, guild_id, channel_id)

    def modal_submit(
        self,
        modal: JSON | str,
        fields: Mapping[str, FieldValue],
        user: JSON | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
        message: JSON | None = None,
    ) -> JSON:
        """A modal submission. ``modal`` is the modal the bot sent (the ``data`` of its type-9
        callback, see :meth:`modal_for`), whose layout is echoed as Discord does: action rows
        (type 1) or labels (type 18) around the inputs; or just a custom_id (action rows)."""
        if isinstance(modal, str):
            custom_id = modal
            components = [_row_input(cid, str(value)) for cid, value in fields.items()]
        else:
            custom_id, components = modal["custom_id"], _submitted(modal["components"], fields)
        data = {"custom_id": custom_id, "components": components}
        if message is not None:
            guild_id = guild_id or message.get("guild_id")
            channel_id = channel_id or message["channel_id"]
        payload = self._base_payload(MODAL_SUBMIT, data, user, guild_id, channel_id)
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        return payload

    def modal_for(self, interaction_id: str) -> JSON:
        """The modal (callback type 9 ``data``) the bot opened for an interaction."""
        modal = self.interactions[interaction_id].modal
        if modal is None:
            raise LookupError(f"interaction {interaction_id} was not answered with a modal")
        return modal

    def _command_payload(
        self,
        kind: int,
        name: str,
        options: Mapping[str, OptionValue] | Sequence[JSON] | None,
        user: JSON | None,
        guild_id: str | None,
        channel_id: str | None,
    ) -> JSON:
        command, *path = name.split()
        leaf = _options(options) if isinstance(options, Mapping) else list(options or [])
        for sub_name, sub_type in zip(reversed(path), (1, 2), strict=False):
            leaf = [{"name": sub_name, "type": sub_type, "options": leaf}]
        registered = self._registered(command, guild_id)
        data: JSON = {"id": registered.get("id") or self.snowflake(), "name": command, "type": 1}
        if leaf:
            data["options"] = leaf
        if registered.get("guild_id"):
            data["guild_id"] = registered["guild_id"]
        return self._base_payload(kind, data, user, guild_id, channel_id)

    def _component_payload(
        self,
        custom_id: str,
        message: JSON,
        values: list[str] | None,
        user: JSON | None,
        guild_id: str | None,
        channel_id: str | None,
    ) -> JSON:
        found = [
            c
            for c in walk_components(message.get("components") or [])
            if c.get("custom_id") == custom_id
        ]
        if not found:
            raise ValueError(f"message {message['id']} has no component {custom_id!r}")
        component = found[0]
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if "id" in component:
            data["id"] = component["id"]
        if values is not None:
            data["values"] = values
        guild_id = guild_id or message.get("guild_id")
        payload = self._base_payload(
            MESSAGE_COMPONENT, data, user, guild_id, channel_id or message["channel_id"]
        )
        payload["message"] = copy.deepcopy(message)
        return payload

    def _base_payload(
        self, kind: int, data: JSON, user: JSON | None, guild_id: str | None, channel_id: str | None
    ) -> JSON:
        user = user or self.default_user
        payload: JSON = {
            "type": kind,
            "application_id": self.application_id,
            "data": data,
            "version": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "locale": "en-US",
            "app_permissions": APP_PERMISSIONS,
            "entitlements": [],
        }
        if guild_id is None:
            channel = self._dm_channel(user)
            payload.update(user=user, context=1, authorizing_integration_owners={"0": "0"})
        else:
            guild = self._guild(guild_id)
            channel = {
                **self.channels[channel_id or guild.channel_id],
                "permissions": APP_PERMISSIONS,
            }
            payload.update(
                guild_id=guild.id,
                guild={"id": guild.id, "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=self._member(user, permissions=APP_PERMISSIONS),
                context=0,
                authorizing_integration_owners={"0": guild.id},
            )
        payload.update(channel=channel, channel_id=channel["id"])
        return payload

    def _registered(self, name: str, guild_id: str | None) -> JSON:
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return {}


def _option_type(value: OptionValue) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 10 if isinstance(value, float) else 3


def _options(values: Mapping[str, OptionValue] | None) -> list[JSON]:
    return [{"name": k, "type": _option_type(v), "value": v} for k, v in (values or {}).items()]


def _row_input(custom_id: str, value: str) -> JSON:
    return {"type": 1, "components": [{"type": 4, "custom_id": custom_id, "value": value}]}


def _submitted(components: Sequence[JSON], fields: Mapping[str, FieldValue]) -> list[JSON]:
    """Echo a modal's layout with the user's values, as Discord does on submit."""
    return [_submitted_one(component, fields) for component in components]


def _submitted_one(component: JSON, fields: Mapping[str, FieldValue]) -> JSON:
    echo: JSON = {"type": component["type"], "id": component.get("id")}
    custom_id = component.get("custom_id")
    value = fields.get(str(custom_id))
    if component["type"] == 1:
        echo["components"] = _submitted(component["components"], fields)
    elif component["type"] == 18:
        echo["component"] = _submitted_one(component["component"], fields)
    elif component["type"] == 4:
        text = value if isinstance(value, str) else ""
        if len(text) > int(component.get("max_length") or 4000):
            raise ValueError(f"{custom_id}: longer than the input's max_length")
        if component.get("required", True) and not text:
            raise ValueError(f"{custom_id}: a required input left empty")
        echo.update(custom_id=custom_id, value=text)
    elif component["type"] == 21:  # radio group: the chosen value
        echo.update(custom_id=custom_id, value=value)
    elif component["type"] == 23:  # checkbox: ticked or not
        echo.update(custom_id=custom_id, value=bool(value))
    elif custom_id is not None:  # selects, checkbox groups, file uploads: a list of values
        values = [] if value is None or isinstance(value, bool) else value
        echo.update(
            custom_id=custom_id, values=[values] if isinstance(values, str) else list(values)
        )
    return echo
