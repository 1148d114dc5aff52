"""An interaction as Discord sends it over the gateway, read for what the adapter needs.

discord.py would turn each INTERACTION_CREATE into a `discord.Interaction`, with its user or
member, channel, guild, message and permission objects (about 170 µs a slash command on the
benchmark machine, more for a button, whose message is parsed too). Rungs needs only ids, a
display name and the command's data, so it reads them from the JSON (`RungsDiscord`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.tutor import Actor

JSON = dict[str, Any]
Options = dict[str, str | int | float | bool]

# Interaction types (Discord's numbers).
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
DISPLAY_NAME = 40  # characters of a display name kept in trace texts
# Permission bits (Discord's numbers) that make a member an admin of Rungs' channel settings.
ADMINISTRATOR, MANAGE_GUILD = 1 << 3, 1 << 5


@dataclass(frozen=True, slots=True)
class Incoming:
    id: int
    token: str
    application_id: int
    type: int
    data: JSON
    guild_id: str | None
    channel_id: str | None
    user_id: str
    display_name: str  # as discord.py's: the server nickname, else the global name, else the name
    permissions: int = 0  # the member's permissions in the channel (none in a DM)

    @classmethod
    def parse(cls, payload: JSON) -> Incoming:
        member: JSON = payload.get("member") or {}
        user: JSON = member.get("user") or payload.get("user") or {}
        channel: JSON = payload.get("channel") or {}
        channel_id = payload.get("channel_id") or channel.get("id")
        guild_id = payload.get("guild_id")
        return cls(
            id=int(payload["id"]),
            token=str(payload["token"]),
            application_id=int(payload["application_id"]),
            type=int(payload["type"]),
            data=payload.get("data") or {},
            guild_id=str(guild_id) if guild_id else None,
            channel_id=str(channel_id) if channel_id else None,
            user_id=str(user.get("id", "")),
            display_name=str(
                member.get("nick") or user.get("global_name") or user.get("username") or ""
            ),
            permissions=_permissions(member.get("permissions")),
        )

    def actor(self) -> Actor:
        """Who is asking, and where: a server channel, or a DM (the user's own cluster)."""
        in_dm = self.guild_id is None
        return Actor(
            platform="discord",
            workspace="dm" if in_dm else str(self.guild_id),
            user_id=self.user_id,
            display_name=self.display_name[:DISPLAY_NAME],
            channel_id=None if in_dm else self.channel_id,
            # Manage Server (or Administrator) may set a channel's daily drill and end others'
            # challenges: Discord's own word for "runs this server".
            is_admin=not in_dm and bool(self.permissions & (ADMINISTRATOR | MANAGE_GUILD)),
        )


def _permissions(value: object) -> int:
    """Discord sends the permission bitfield as a decimal string."""
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def flatten(data: JSON) -> tuple[str, str | None, Options]:
    """(command, subcommand, options) from an application command's data."""
    name = str(data.get("name", ""))
    options: list[JSON] = list(data.get("options", []))
    sub = None
    if options and options[0].get("type") == 1:  # a subcommand
        sub = str(options[0]["name"])
        options = list(options[0].get("options", []))
    return name, sub, {str(o["name"]): o["value"] for o in options if "value" in o}


def focused(data: JSON) -> tuple[str | None, str]:
    """The option being typed in an autocomplete interaction (its name, what is typed so far);
    the first option when none is marked focused."""
    options: list[JSON] = list(data.get("options", []))
    if options and options[0].get("type") == 1:  # a subcommand
        options = list(options[0].get("options", []))
    chosen = next((o for o in options if o.get("focused")), options[0] if options else None)
    if chosen is None:
        return None, ""
    return str(chosen.get("name")), str(chosen.get("value", ""))


def modal_text(data: JSON, custom_id: str) -> str:
    """The value of one text input of a submitted modal (in an action row or a label)."""
    for row in data.get("components", []):
        for component in row.get("components", [row.get("component", {})]):
            if component.get("custom_id") == custom_id:
                return str(component.get("value", ""))
    return ""
