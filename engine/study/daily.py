"""The daily drill's climb through the week, and "skip tomorrow".

Each weekday asks for a difficulty (content/path.yaml gives every topic one): easy on Monday
and Tuesday, medium on Wednesday and Thursday, hard on Friday, medium at the weekend. Within a
difficulty the drills take turns in ladder order, so a channel meets every drill of that
difficulty before any comes back. The choice depends only on the date and the schedule's topic:
the same on every node and every retry.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.content.loader import Content
from engine.team.daily import next_daily_run
from engine.text.dates import WEEKDAYS, day_label, local_label

LEVELS = ("easy", "medium", "hard")
WEEKDAY_LEVELS = ("easy", "easy", "medium", "medium", "hard", "medium", "medium")  # Monday first
RAMP = (
    "The daily drill climbs through the week: easy on Monday and Tuesday, medium on Wednesday "
    "and Thursday, hard on Friday, medium at the weekend."
)
_EPOCH = date(2024, 1, 1)  # a Monday: turns are counted from here


@dataclass(frozen=True, slots=True)
class DailyPick:
    drill_id: str
    difficulty: str
    sentence: str  # for the post: the day's difficulty, and the ramp


def daily_pick(content: Content, day: date, topic: str | None = None) -> DailyPick:
    """The drill for `day` (a local date). `topic`: a drill id, a drill topic or a stage id,
    as `/schedule daily … [topic]` took it; ValueError when nothing matches."""
    candidates = _candidates(content, topic)
    wanted = WEEKDAY_LEVELS[day.weekday()]
    rungs = content.study.rungs
    level = min(
        {rungs[d].difficulty for d in candidates},
        key=lambda lv: (abs(LEVELS.index(lv) - LEVELS.index(wanted)), LEVELS.index(lv)),
    )
    pool = [d for d in candidates if rungs[d].difficulty == level]
    pick = pool[_turn(day, wanted) % len(pool)]
    weekday = WEEKDAYS[day.weekday()]
    if level == wanted:
        sentence = f"{weekday}'s drill is {level}. {RAMP}"
    else:
        sentence = (
            f"{weekday} asks for {_an(wanted)} drill, but this channel's topic has none, so here "
            f"is {_an(level)} one. {RAMP}"
        )
    return DailyPick(pick, level, sentence)


def _an(level: str) -> str:
    return f"an {level}" if level[0] in "aeiou" else f"a {level}"


def _candidates(content: Content, topic: str | None) -> list[str]:
    ladder = content.study.ladder()
    if topic is None or topic == "random":
        return list(ladder)
    drills = content.drills
    found = [
        d
        for d in ladder
        if d == topic or drills[d].topic == topic or content.study.rungs[d].stage_id == topic
    ]
    if not found:
        raise ValueError(f"no drill, topic or stage '{topic[:40]}'")
    return found


def _turn(day: date, level: str) -> int:
    """How many days before `day` (since the epoch) asked for the same difficulty."""
    weeks, weekday = divmod((day - _EPOCH).days, 7)
    per_week = WEEKDAY_LEVELS.count(level)
    return weeks * per_week + WEEKDAY_LEVELS[:weekday].count(level)


# --- skip tomorrow ---------------------------------------------------------------------------


def skip_tomorrow(now: datetime, zone: ZoneInfo, skipped: Collection[date]) -> frozenset[date]:
    """The skipped local dates with tomorrow added, and the ones already past dropped."""
    today = now.astimezone(zone).date()
    return frozenset({d for d in skipped if d >= today} | {today + timedelta(days=1)})


def next_run_skipping(
    after: datetime, at: time, zone: ZoneInfo, skipped: Collection[date]
) -> datetime:
    """The first daily run strictly after `after` whose local date is not skipped."""
    run = next_daily_run(after, at, zone)
    for _ in range(len(skipped) + 1):
        if run.astimezone(zone).date() not in skipped:
            return run
        run = next_daily_run(run, at, zone)
    raise AssertionError("every skipped date was passed over once")


def skip_text(skipped_day: date, next_run: datetime, zone: ZoneInfo) -> str:
    head = f"Tomorrow's daily drill ({day_label(skipped_day)}) is skipped."
    if next_run.astimezone(zone).date() < skipped_day:  # today's has not been posted yet
        after = day_label(skipped_day + timedelta(days=1))
        return f"{head} Today's is still posted ({local_label(next_run, zone)}); then {after}'s."
    return f"{head} The next one is posted on {local_label(next_run, zone)}."
