"""Review reminders that are not spam: opt-in (`/settings reminders=daily HH:MM`), a direct
message at that local time only when a review is due, at most one a local day, "snooze a day"
moves the next one a day later, and the text never mentions anyone.

A reminder job carries its slot (the instant it was planned for). When it runs, `decide` says
whether to send and when the next slot falls; a job that runs on a later local day than its
slot (the bot was down) is stale and sends nothing, so a reminder never lands hours off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.team.daily import local_run, parse_clock_time
from engine.text.counts import count, some_of
from engine.text.dates import day_label, local_label

_SETTING = re.compile(r"(?:daily[\s@_\-]*)?(\d{1,2}:\d{2})")
SHOWN_TITLES = 2
OFF_HINT = "Turn these off with /settings reminders=off."


@dataclass(frozen=True, slots=True)
class ReminderSetting:
    at: time  # local wall-clock time, in the learner's zone

    @property
    def text(self) -> str:
        """As stored and shown: "daily 08:30"."""
        return f"daily {self.at:%H:%M}"


@dataclass(frozen=True, slots=True)
class ReminderState:
    last_sent: datetime | None = None
    snoozed_through: date | None = None  # no reminder on this local day or before it


@dataclass(frozen=True, slots=True)
class Decision:
    send: bool
    why: str  # for the log: "sent", "nothing due", "already sent today", "snoozed", "stale"
    next_at: datetime | None  # the next slot to plan, None while no review is scheduled


def parse_reminders(text: str) -> ReminderSetting | None:
    """`daily 08:30`, `daily@08:30`, `08:30`, or `off` (None); ValueError otherwise."""
    typed = text.strip().lower()
    if typed == "off":
        return None
    match = _SETTING.fullmatch(typed)
    if match is None:
        raise ValueError(f"'{text[:30]}' is not a reminder time; write daily HH:MM, or off")
    return ReminderSetting(parse_clock_time(match.group(1)))


def next_reminder(
    setting: ReminderSetting,
    zone: ZoneInfo,
    state: ReminderState,
    earliest_due: datetime | None,
    after: datetime,
) -> datetime | None:
    """The first slot strictly after `after` at which a review is due, on a local day after
    the last reminder's and after any snooze. None when no review is scheduled at all."""
    if earliest_due is None:
        return None
    floor = [after.astimezone(zone).date() - timedelta(days=1)]
    floor.append(earliest_due.astimezone(zone).date() - timedelta(days=1))
    if state.last_sent is not None:
        floor.append(state.last_sent.astimezone(zone).date() + timedelta(days=1))
    if state.snoozed_through is not None:
        floor.append(state.snoozed_through + timedelta(days=1))
    day = max(floor)
    for offset in range(4):  # the floor is at most a day before both `after` and the due time
        slot = local_run(day + timedelta(days=offset), setting.at, zone)
        if slot > after and slot >= earliest_due:
            return slot
    raise AssertionError("a daily slot always falls within three days of its floor")


def decide(
    slot: datetime,
    now: datetime,
    setting: ReminderSetting | None,
    zone: ZoneInfo,
    state: ReminderState,
    earliest_due: datetime | None,
) -> Decision:
    """What a reminder job planned for `slot` does when it runs at `now`."""
    if setting is None:
        return Decision(False, "reminders are off", None)
    skip = _skip_reason(slot, now, zone, state, earliest_due)
    if skip:
        return Decision(False, skip, next_reminder(setting, zone, state, earliest_due, now))
    after_send = replace(state, last_sent=now)
    return Decision(True, "sent", next_reminder(setting, zone, after_send, earliest_due, now))


def _skip_reason(
    slot: datetime, now: datetime, zone: ZoneInfo, state: ReminderState, due: datetime | None
) -> str:
    today = now.astimezone(zone).date()
    if slot.astimezone(zone).date() != today:
        return "stale"
    if due is None or due > now:
        return "nothing due"
    if state.last_sent is not None and state.last_sent.astimezone(zone).date() == today:
        return "already sent today"
    if state.snoozed_through is not None and today <= state.snoozed_through:
        return "snoozed"
    return ""


def snooze(
    setting: ReminderSetting,
    zone: ZoneInfo,
    state: ReminderState,
    earliest_due: datetime | None,
    now: datetime,
) -> ReminderState:
    """ "Snooze a day": the next reminder comes one day later than it would have."""
    upcoming = next_reminder(setting, zone, state, earliest_due, now)
    if upcoming is None:
        skipped = now.astimezone(zone).date() + timedelta(days=1)
    else:
        skipped = upcoming.astimezone(zone).date()
    return replace(state, snoozed_through=skipped)


def reminder_text(due_titles: Sequence[str]) -> str:
    """The direct message: how many reviews are due and which (drill titles, from content)."""
    n = len(due_titles)
    which = some_of(list(due_titles), SHOWN_TITLES, "drill")
    verb = "is" if n == 1 else "are"
    return f"{count(n, 'review')} {verb} due: {which}. {OFF_HINT}"


def snooze_text(state: ReminderState, next_at: datetime | None, zone: ZoneInfo) -> str:
    """What pressing "snooze a day" answers."""
    assert state.snoozed_through is not None
    head = f"Snoozed: no reminder on {day_label(state.snoozed_through)}."
    if next_at is None:
        return f"{head} The next one comes once a review is due."
    return f"{head} The next one comes on {local_label(next_at, zone)}, if reviews are still due."


def setting_text(setting: ReminderSetting | None, zone: ZoneInfo) -> str:
    """For `/settings`: "daily at 08:30 Europe/Berlin, when a review is due", or "off"."""
    if setting is None:
        return "off"
    return f"daily at {setting.at:%H:%M} {zone.key}, only when a review is due"
