"""The world the fake serves: snowflakes, users, guilds with a channel each, DM channels and
the messages the bot creates or edits, stored as Discord renders them (mentions resolved,
components numbered)."""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Sequence

from .limits import resolve_mentions
from .records import (
    APP_PERMISSIONS,
    COMPONENTS_V2,
    DISCORD_EPOCH_MS,
    EPHEMERAL,
    JSON,
    LOADING,
    SUPPRESS_EMBEDS,
    SUPPRESS_NOTIFICATIONS,
    FakeGuild,
    InteractionState,
    now_iso,
    user_payload,
    walk_components,
)
from .uploads import Upload, attachments_of, resolve_images


class World:
    """The fake's state (set up by ``FakeDiscord.__init__``), and what builds and changes it."""

    _counter: itertools.count[int]
    application_id: str
    bot_user: JSON
    owner: JSON
    users: dict[str, JSON]
    _default_user: JSON | None
    channels: dict[str, JSON]
    guilds: list[FakeGuild]
    messages: dict[str, JSON]
    files: dict[str, bytes]  # attachment id -> the bytes uploaded (uploads.py)
    no_access: set[str]  # channel ids the bot may no longer see or post in
    closed_dms: set[str]  # user ids whose DMs refuse the bot

    def snowflake(self) -> str:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((millis << 22) | (next(self._counter) & 0x3FFFFF))

    def new_user(self, name: str) -> JSON:
        user = user_payload(self.snowflake(), name)
        self.users[user["id"]] = user
        return user

    @property
    def default_user(self) -> JSON:
        """The user of payloads built without one."""
        if self._default_user is None:
            self._default_user = self.new_user("alice")
        return self._default_user

    def channel_id(self, guild_id: str | None = None) -> str:
        return self._guild(guild_id or self.guilds[0].id).channel_id

    def _make_guild(self, index: int) -> FakeGuild:
        # Guild i is on shard i % num_shards (shard = (guild_id >> 22) % num_shards) for any
        # num_shards up to 16: the timestamp part starts at a multiple of lcm(1..16) = 720720.
        base = (int(self.application_id) >> 22) // 720_720 * 720_720
        guild_id = str(((base + index) << 22) | (next(self._counter) & 0x3FFFFF))
        channel_id = self.snowflake()
        self.channels[channel_id] = {
            "id": channel_id,
            "type": 0,
            "guild_id": guild_id,
            "name": "study",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        return FakeGuild(guild_id, f"Guild {index}", channel_id)

    def _guild(self, guild_id: str) -> FakeGuild:
        for guild in self.guilds:
            if guild.id == str(guild_id):
                return guild
        raise ValueError(f"the fake knows no guild {guild_id}")

    def _guild_payload(self, guild: FakeGuild) -> JSON:
        return {
            "id": guild.id,
            "name": guild.name,
            "icon": None,
            "owner_id": self.owner["id"],
            "member_count": 2,
            "large": False,
            "unavailable": False,
            "joined_at": now_iso(),
            "features": [],
            "preferred_locale": "en-US",
            "system_channel_id": guild.channel_id,
            "roles": [
                {"id": guild.id, "name": "@everyone", "permissions": APP_PERMISSIONS, "position": 0,
                 "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0},
            ],
            "channels": [self.channels[guild.channel_id]],
            "members": [self._member(self.bot_user)],
            "threads": [], "presences": [], "voice_states": [], "emojis": [], "stickers": [],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
        }  # fmt: skip

    def _member(self, user: JSON, permissions: str | None = None) -> JSON:
        member: JSON = {
            "user": user,
            "roles": [],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            member["permissions"] = permissions
        return member

    def _dm_channel(self, user: JSON) -> JSON:
        for channel in self.channels.values():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == user["id"]:
                return channel
        channel = {
            "id": self.snowflake(),
            "type": 1,
            "recipients": [user],
            "last_message_id": None,
            "flags": 0,
        }
        self.channels[channel["id"]] = channel
        return channel

    def _new_message(
        self,
        data: JSON,
        *,
        channel_id: str,
        flags: int = 0,
        msg_type: int = 0,
        interaction: InteractionState | None = None,
        files: Sequence[Upload] = (),
    ) -> JSON:
        message: JSON = {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "type": msg_type,
            "author": self.bot_user,
            "content": "",
            "embeds": [],
            "components": [],
            "attachments": [],
            "flags": flags,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "pinned": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
        }
        guild_id = self.channels.get(channel_id, {}).get("guild_id")
        if guild_id:
            message["guild_id"] = guild_id
        if interaction is not None:
            message.update(
                application_id=self.application_id,
                webhook_id=self.application_id,
                interaction_metadata={
                    "id": interaction.id,
                    "type": interaction.type,
                    "user": interaction.user,
                    "authorizing_integration_owners": interaction.payload.get(
                        "authorizing_integration_owners", {}
                    ),
                },
            )
        self._write(message, data, files, default_parse=("users",) if interaction else None)
        self.messages[message["id"]] = message
        return message

    def _write(
        self,
        message: JSON,
        data: JSON,
        files: Sequence[Upload] = (),
        *,
        default_parse: tuple[str, ...] | None = None,
    ) -> None:
        """Apply a create or edit body to a stored message, as Discord renders it."""
        defaults: JSON = {"content": "", "embeds": [], "components": [], "tts": False}
        for key, default in defaults.items():
            if key in data:
                value = data[key] if data[key] is not None else default
                message[key] = copy.deepcopy(value)
        number_components(message["components"])
        if data.get("flags") is not None:
            kept = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | COMPONENTS_V2
            message["flags"] = (message["flags"] & EPHEMERAL) | (int(data["flags"]) & kept)
        message["flags"] &= ~LOADING
        attachments = attachments_of(data, files, message["attachments"], self.snowflake)
        if attachments is not None:
            message["attachments"] = attachments
            uploaded = {u.index: u.data for u in files}
            for stored in attachments:
                index = stored.pop("_index", None)
                if index is not None:
                    self.files[stored["id"]] = uploaded[index]
        resolve_images(message["embeds"], message["attachments"])
        parse = default_parse or ("users", "roles", "everyone")
        allowed = data.get("allowed_mentions")
        everyone, users, roles = resolve_mentions(message["content"], allowed, parse)
        message["mention_everyone"] = everyone
        message["mentions"] = [self.users.get(u) or user_payload(u, f"user{u}") for u in users]
        message["mention_roles"] = roles


def number_components(components: list[JSON]) -> None:
    """Discord gives every component of a stored message a numeric ``id``."""
    every = list(walk_components(components))
    counter = itertools.count(
        max((c["id"] for c in every if isinstance(c.get("id"), int)), default=0) + 1
    )
    for component in every:
        if not isinstance(component.get("id"), int):
            component["id"] = next(counter)
