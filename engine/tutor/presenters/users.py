"""Replies of the user family: the settings, and forgetting everything."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.ports import ChannelSettings, UserSettings
from engine.replies import Button, Buttons, ButtonStyle, Fields, Notice, NoticeLevel, Reply
from engine.study.reminders import ReminderSetting, setting_text
from engine.text.counts import count


def settings_reply(
    settings: UserSettings,
    reminder: ReminderSetting | None = None,
    *,
    saved: bool,
    channel: ChannelSettings | None = None,
    notes: tuple[str, ...] = (),
) -> Reply:
    """`notes`: what a change did beyond saving (the reviews moved for an interview)."""
    interview = (
        "off"
        if settings.interview is None
        else f"{settings.interview.isoformat()}: every drill you rated comes round before it"
    )
    rows: tuple[tuple[str, str], ...] = (
        ("tz", settings.tz or "UTC (the default)"),
        (
            "leaderboard",
            "on: you are shown" if settings.leaderboard_visible else "off: you are hidden",
        ),
        ("images", "on: replies carry pictures" if settings.images else "off: text only"),
        ("interview", interview),
        ("reminders", setting_text(reminder, ZoneInfo(settings.tz or "UTC"))),
    )
    if channel is not None:
        shown = "on" if channel.images else "off: text only, for everybody here"
        rows += (("channel_images", shown),)
    verb = (
        "Saved."
        if saved
        else "Your settings (change one with /settings tz=Area/City or leaderboard=off):"
    )
    return Reply((Notice(verb), Fields(rows), *(Notice(note) for note in notes)))


def forget_me_asked() -> Reply:
    return Reply(
        (
            Notice(
                "This deletes your drills, answers, ratings, reviews and settings, for "
                "good. To go ahead: /forget-me confirm",
                NoticeLevel.WARNING,
            ),
            Buttons(
                (Button("Delete everything", buttons.forget_me_confirm(), ButtonStyle.DANGER),)
            ),
        )
    )


def forgotten(deleted: int) -> Reply:
    return Reply(
        (Notice(f"Done: {count(deleted, 'record')} about you deleted. /progress is empty now."),)
    )
