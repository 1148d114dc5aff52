"""Who is speaking, and where, from each kind of Slack payload."""

from __future__ import annotations

from typing import Any

from engine.tutor import Actor

PLATFORM = "slack"
NAME_LIMIT = 40


def is_dm(channel_id: str) -> bool:
    """Direct-message channel ids start with D; channels (C) and group DMs (G) are shared."""
    return channel_id.startswith("D")


def _channel(channel_id: str | None) -> str | None:
    """A DM gets the user's own cluster and private replies, as on the other platforms."""
    if not channel_id or is_dm(channel_id):
        return None
    return channel_id


def actor_of_command(command: dict[str, Any]) -> Actor:
    return Actor(
        platform=PLATFORM,
        workspace=str(command.get("team_id", "")),
        user_id=str(command.get("user_id", "")),
        display_name=str(command.get("user_name") or command.get("user_id", ""))[:NAME_LIMIT],
        channel_id=_channel(command.get("channel_id")),
    )


def actor_of_action(body: dict[str, Any]) -> Actor:
    """A button: in a message (with its channel) or in the App Home (no channel)."""
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    channel_id = channel.get("id") or container.get("channel_id")
    return _actor_of_user(body, channel_id)


def actor_of_view(body: dict[str, Any], channel_id: str | None) -> Actor:
    """A modal submission carries no channel: the modal's metadata remembers where it opened."""
    return _actor_of_user(body, channel_id)


def _actor_of_user(body: dict[str, Any], channel_id: str | None) -> Actor:
    user = body.get("user") or {}
    team = body.get("team") or {}
    user_id = str(user.get("id", ""))
    name = user.get("username") or user.get("name") or user_id
    return Actor(
        platform=PLATFORM,
        workspace=str(team.get("id") or user.get("team_id", "")),
        user_id=user_id,
        display_name=str(name)[:NAME_LIMIT],
        channel_id=_channel(channel_id),
    )
