"""Replies of review reminders: the direct message with its buttons, snoozing, stopping."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.replies import Block, Button, Buttons, ButtonStyle, Notice, Reply
from engine.study.reminders import ReminderState, snooze_text

LABELS = {"review": "Review now", "snooze": "Snooze a day", "stop": "Stop reminders"}
STYLES = {
    "review": ButtonStyle.PRIMARY,
    "snooze": ButtonStyle.SECONDARY,
    "stop": ButtonStyle.DANGER,
}


def reminder(text: str, workspace: str, user_id: str) -> Reply:
    """The direct message. Its buttons carry the learner's id, so only they can use them."""
    row = []
    for action, label in LABELS.items():
        action_id = buttons.reminder(action, workspace, user_id)
        if action_id is not None:
            row.append(Button(label, action_id, STYLES[action]))
    blocks: list[Block] = [Notice(text)]
    if row:
        blocks.append(Buttons(tuple(row)))
    return Reply(tuple(blocks))


def snoozed(day: date, following: datetime, zone: ZoneInfo) -> Reply:
    return Reply((Notice(snooze_text(ReminderState(None, day), following, zone)),))


def stopped() -> Reply:
    return Reply(
        (Notice("Reminders are off. /settings reminders=daily 08:30 turns them on again."),)
    )
