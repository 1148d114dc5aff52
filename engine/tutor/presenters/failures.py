"""What a failed scheduled post says: what failed, why (the platform's own words) and how to
fix it. Shown by /schedule show, in the learner's /settings, and at the top of the next post
that goes out."""

from __future__ import annotations

from typing import assert_never
from zoneinfo import ZoneInfo

from engine.ports import FailureReason, PostFailure
from engine.replies import Notice
from engine.text.counts import count

DAILY = "the daily drill"
REMINDER = "your review reminder"


def why(reason: FailureReason) -> str:
    match reason:
        case FailureReason.NO_ACCESS:
            return "Rungs has no access to the channel (it was removed, or may not post there)"
        case FailureReason.CHANNEL_GONE:
            return "the channel was not found (deleted or archived?)"
        case FailureReason.DM_CLOSED:
            return "Rungs may not send you direct messages"
        case FailureReason.PLATFORM_ERROR:
            return "the platform kept failing"
        case _:
            assert_never(reason)


def fix(reason: FailureReason, what: str) -> str:
    match reason:
        case FailureReason.NO_ACCESS:
            return (
                "To fix it, invite Rungs to the channel again (or give it permission to view "
                "the channel and send messages there); /schedule off stops the posts."
            )
        case FailureReason.CHANNEL_GONE:
            return "Set the daily drill in another channel with /schedule daily, or /schedule off."
        case FailureReason.DM_CLOSED:
            return (
                "To fix it, allow direct messages from Rungs (your privacy settings for this "
                "server or workspace, or the app's Messages tab); /settings reminders=off stops "
                "them."
            )
        case FailureReason.PLATFORM_ERROR:
            return f"Rungs tries {what} again at its next time."
        case _:
            assert_never(reason)


def failure_text(failure: PostFailure, what: str, tz: str) -> str:
    """One paragraph: what failed and when, why, how to fix it."""
    local = failure.due_at.astimezone(ZoneInfo(tz))
    when = f"{local:%a %d %b} at {local:%H:%M} {tz}"
    times = "" if failure.count == 1 else f" ({count(failure.count, 'post')} in a row)"
    return (
        f"{what[0].upper()}{what[1:]} of {when} could not be posted{times}: "
        f"{why(failure.reason)} ({failure.detail}). {fix(failure.reason, what)}"
    )


def failure_notice(failure: PostFailure, what: str, tz: str) -> Notice:
    return Notice(failure_text(failure, what, tz))


def recovered_notice(failure: PostFailure, what: str, tz: str) -> Notice:
    """At the top of the first post that goes out again."""
    local = failure.due_at.astimezone(ZoneInfo(tz))
    return Notice(
        f"Posting works again. {what[0].upper()}{what[1:]} of {local:%a %d %b} had failed: "
        f"{why(failure.reason)} ({failure.detail})."
    )
