"""Replies of the user family: the settings, and forgetting everything."""

from __future__ import annotations

from engine.commands import buttons
from engine.ports import UserSettings
from engine.replies import Button, Buttons, ButtonStyle, Fields, Notice, NoticeLevel, Reply
from engine.text.counts import count


def settings_reply(settings: UserSettings, *, saved: bool) -> Reply:
    rows = (
        ("tz", settings.tz or "UTC (the default)"),
        (
            "leaderboard",
            "on: you are shown" if settings.leaderboard_visible else "off: you are hidden",
        ),
    )
    verb = (
        "Saved."
        if saved
        else "Your settings (change one with /settings tz=Area/City or leaderboard=off):"
    )
    return Reply((Notice(verb), Fields(rows)))


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
