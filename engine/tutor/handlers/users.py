"""The user family: /settings, and /forget-me, which deletes everything stored about the caller
(their own cluster too: channel clusters are shared, so they stay, with the caller taken out of
them and of their traces: engine/tutor/forgetting.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import assert_never

from engine.commands import types as t
from engine.ports import DrillStore, JobStore, UserSettings
from engine.replies import Reply
from engine.tutor import jobs
from engine.tutor.actor import Actor
from engine.tutor.forgetting import SharedForgetting
from engine.tutor.presenters import users as present
from engine.tutor.repositories.clusters import ClusterRepository

DEFAULTS = UserSettings()


class UserHandler:
    def __init__(
        self,
        drills: DrillStore,
        jobs: JobStore,
        clusters: ClusterRepository,
        shared: SharedForgetting,
    ) -> None:
        self._drills = drills
        self._jobs = jobs
        self._clusters = clusters
        self._shared = shared

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
        settings = await self._drills.load_settings(user) or DEFAULTS
        if changes:
            settings = changed(settings, changes)
            await self._drills.save_settings(user, settings)
        return present.settings_reply(settings, saved=bool(changes))

    async def _forget(self, actor: Actor, confirm: bool) -> Reply:
        if not confirm:
            return present.forget_me_asked()
        user = actor.user_key
        running = await self._drills.running_session(user)
        if running is not None:  # its nudge names the user; nothing should wait to deliver it
            await self._jobs.cancel_job(jobs.nudge_key(running.id))
        await self._clusters.delete(actor.own_scope)
        deleted = await self._drills.forget_user(user)
        deleted += await self._shared.forget(actor.board, actor.user_id, actor.own_scope)
        return present.forgotten(deleted)


def changed(settings: UserSettings, changes: Sequence[tuple[str, str]]) -> UserSettings:
    """The settings with `/settings key=value` changes made (the parser has checked the values:
    `tz` a zone name, `leaderboard` on or off)."""
    for key, value in changes:
        if key == "tz":
            settings = replace(settings, tz=value)
        elif key == "leaderboard":
            settings = replace(settings, leaderboard_visible=value != "off")
    return settings
