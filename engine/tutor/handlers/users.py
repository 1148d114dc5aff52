"""The user family: /settings, and /forget-me, which deletes everything stored about the caller
(their own cluster too: channel clusters are shared, so they stay)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import assert_never

from engine.commands import types as t
from engine.errors import RungsError
from engine.ports import ChannelSettings, ClusterStore, DrillStore, JobStore, UserSettings
from engine.replies import Reply
from engine.tutor import jobs
from engine.tutor.actor import Actor, is_admin
from engine.tutor.pictures import PicturePreference
from engine.tutor.presenters import users as present
from engine.tutor.repositories.clusters import ClusterRepository

DEFAULTS = UserSettings()
CHANNEL_KEYS = frozenset({"channel_images"})  # /settings keys that set the channel's, not yours


class UserHandler:
    def __init__(
        self,
        drills: DrillStore,
        jobs: JobStore,
        clusters: ClusterRepository,
        channels: ClusterStore,
        pictures: PicturePreference,
    ) -> None:
        self._drills = drills
        self._jobs = jobs
        self._clusters = clusters
        self._channels = channels
        self._pictures = pictures

    async def handle(self, actor: Actor, command: t.UserCommand) -> Reply:
        match command:
            case t.SettingsCommand(changes):
                return await self._settings(actor, changes)
            case t.ForgetMeCommand(confirm):
                return await self._forget(actor, confirm)
            case _:
                assert_never(command)

    async def _settings(self, actor: Actor, changes: Sequence[tuple[str, str]]) -> Reply:
        user = actor.user_key
        mine = [(k, v) for k, v in changes if k not in CHANNEL_KEYS]
        channel = await self._channel_settings(actor, [c for c in changes if c[0] in CHANNEL_KEYS])
        settings = await self._drills.load_settings(user) or DEFAULTS
        if mine:
            settings = changed(settings, mine)
            await self._drills.save_settings(user, settings)
            self._pictures.forget(user)
        return present.settings_reply(settings, saved=bool(changes), channel=channel)

    async def _channel_settings(
        self, actor: Actor, changes: Sequence[tuple[str, str]]
    ) -> ChannelSettings | None:
        """The channel's settings (None outside a channel), changed first if asked (by a
        channel admin only: they hold for everybody in it)."""
        if not actor.in_channel:
            if changes:
                raise RungsError("channel_images is a channel's setting: use it in a channel.")
            return None
        scope = actor.cluster_scope
        stored = await self._channels.load_channel_settings(scope) or ChannelSettings()
        if not changes:
            return stored
        if not await is_admin(actor):
            raise RungsError(
                "Only a channel admin can turn a channel's pictures on or off (Manage Server "
                "on Discord, a workspace admin on Slack); /settings images=off is yours alone."
            )
        for _, value in changes:
            stored = replace(stored, images=value != "off")
        await self._channels.save_channel_settings(scope, stored)
        self._pictures.forget(scope)
        return stored

    async def _forget(self, actor: Actor, confirm: bool) -> Reply:
        if not confirm:
            return present.forget_me_asked()
        user = actor.user_key
        running = await self._drills.running_session(user)
        if running is not None:  # its nudge names the user; nothing should wait to deliver it
            await self._jobs.cancel_job(jobs.nudge_key(running.id))
        await self._clusters.delete(actor.own_scope)
        deleted = await self._drills.forget_user(user)
        self._pictures.forget(user)  # back to the default: pictures on
        return present.forgotten(deleted)


def changed(settings: UserSettings, changes: Sequence[tuple[str, str]]) -> UserSettings:
    """The settings with `/settings key=value` changes made (the parser has checked the values:
    `tz` a zone name, `leaderboard` and `images` on or off)."""
    for key, value in changes:
        if key == "tz":
            settings = replace(settings, tz=value)
        elif key == "leaderboard":
            settings = replace(settings, leaderboard_visible=value != "off")
        elif key == "images":
            settings = replace(settings, images=value != "off")
    return settings
