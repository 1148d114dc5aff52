"""The user family: /settings; /export, everything stored about the caller
(engine/tutor/exporting.py); and /forget-me, which deletes everything stored about the caller
(their own cluster too: channel clusters are shared, so they stay, with the caller taken out of
them and of their traces: engine/tutor/forgetting.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import assert_never
from zoneinfo import ZoneInfo

from engine.commands import types as t
from engine.commands.specs import BY_NAME, usage_line
from engine.content.loader import Content
from engine.errors import RungsError, UsageError
from engine.ports import (
    ChannelSettings,
    Clock,
    ClusterStore,
    DrillStore,
    JobStore,
    UserKey,
    UserSettings,
)
from engine.replies import Reply
from engine.study.deadline import parse_interview, plan_sentence
from engine.study.reminders import ReminderSetting, parse_reminders
from engine.tutor import jobs
from engine.tutor.actor import Actor, is_admin
from engine.tutor.exporting import Exporting
from engine.tutor.forgetting import SharedForgetting
from engine.tutor.handlers.reminders import ReminderHandler
from engine.tutor.interview import aim_reviews
from engine.tutor.pictures import PicturePreference
from engine.tutor.presenters import users as present
from engine.tutor.record import load_record
from engine.tutor.repositories.clusters import ClusterRepository

DEFAULTS = UserSettings()
CHANNEL_KEYS = frozenset({"channel_images"})  # /settings keys that set the channel's, not yours
USAGE = "Usage: " + usage_line(BY_NAME["settings"])  # the spec's, as for every other mistake


class UserHandler:
    def __init__(
        self,
        drills: DrillStore,
        jobs: JobStore,
        clusters: ClusterRepository,
        channels: ClusterStore,
        pictures: PicturePreference,
        content: Content,
        clock: Clock,
        reminders: ReminderHandler,
        shared: SharedForgetting,
        exporting: Exporting,
    ) -> None:
        self._drills = drills
        self._jobs = jobs
        self._clusters = clusters
        self._channels = channels
        self._pictures = pictures
        self._content = content
        self._clock = clock
        self._reminders = reminders
        self._shared = shared
        self._exporting = exporting

    async def handle(self, actor: Actor, command: t.UserCommand) -> Reply:
        match command:
            case t.SettingsCommand(changes):
                return await self._settings(actor, changes)
            case t.ForgetMeCommand(confirm):
                return await self._forget(actor, confirm)
            case t.ExportCommand():
                return await self._exporting.export(actor)
            case _:
                assert_never(command)

    async def _settings(self, actor: Actor, changes: Sequence[tuple[str, str]]) -> Reply:
        user = actor.user_key
        mine = [(k, v) for k, v in changes if k not in CHANNEL_KEYS]
        channel = await self._channel_settings(actor, [c for c in changes if c[0] in CHANNEL_KEYS])
        before = await self._drills.load_settings(user) or DEFAULTS
        reminder = await self._reminders.setting(user)
        if not mine:
            failed = await self._reminders.failure_note(user) if reminder is not None else None
            return present.settings_reply(
                before,
                reminder,
                saved=bool(changes),
                channel=channel,
                notes=(failed,) if failed else (),
            )
        now = self._clock.now()
        typed = dict(mine)
        settings = changed(before, mine)
        zone = ZoneInfo(settings.tz or "UTC")
        settings = replace(settings, interview=_interview(before, typed, now, zone))
        if "reminders" in typed:
            reminder = _reminder(typed["reminders"])
        await self._drills.save_settings(user, settings)
        self._pictures.forget(user)
        if "reminders" in typed or (reminder is not None and settings.tz != before.tz):
            await self._reminders.set(user, reminder, zone)  # follows a new time zone too
        notes = []
        if settings.interview is not None and typed.get("interview"):
            moved = await aim_reviews(self._drills, user, settings.interview, now, zone)
            notes.append(plan_sentence(moved, settings.interview, await self._unseen(user)))
        return present.settings_reply(
            settings, reminder, saved=True, channel=channel, notes=tuple(notes)
        )

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

    async def _unseen(self, user: UserKey) -> int:
        """Drills never revealed (they have no review to aim)."""
        record = await load_record(self._drills, user)
        return len(set(self._content.drills) - {a.drill_id for a in record.attempts})

    async def _forget(self, actor: Actor, confirm: bool) -> Reply:
        if not confirm:
            return present.forget_me_asked()
        user = actor.user_key
        running = await self._drills.running_session(user)
        if running is not None:  # its nudge names the user; nothing should wait to deliver it
            await self._jobs.cancel_job(jobs.nudge_key(running.id))
        await self._clusters.delete(actor.own_scope)
        await self._reminders.set(user, None, ZoneInfo("UTC"))  # and its pending job
        deleted = await self._drills.forget_user(user)
        deleted += await self._shared.forget(actor.board, actor.user_id, actor.own_scope)
        self._pictures.forget(user)  # back to the default: pictures on
        return present.forgotten(deleted)


def _interview(
    before: UserSettings, typed: Mapping[str, str], now: datetime, zone: ZoneInfo
) -> date | None:
    """The interview date after the changes: checked against today in the learner's zone."""
    if "interview" not in typed:
        return before.interview
    try:
        return parse_interview(typed["interview"], now.astimezone(zone).date())
    except ValueError as exc:
        raise _usage(exc) from None


def _reminder(typed: str) -> ReminderSetting | None:
    try:
        return parse_reminders(typed)
    except ValueError as exc:
        raise _usage(exc) from None


def _usage(exc: ValueError) -> UsageError:
    text = str(exc)
    return UsageError(f"{text[:1].upper()}{text[1:]}.", USAGE)


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
