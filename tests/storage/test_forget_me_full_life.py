"""/forget-me after a fuller life than `test_forget_me_scan`: on top of traces, drills and
challenges, the learner turned review reminders on (one was sent, one refused by the
platform: a post failure kept with the schedule), played a climb in their DM and in a channel,
traced in their DM, changed and undid a change of a shared cluster,
asked for hints, reviewed their misses, answered a challenge they started that was then
revealed by the sweeper (points on the board), set a channel's daily drill as an admin, and
had Slack requests of theirs seen. Afterwards a full scan of every row of every table, on a
real SQLite file and a real PostgreSQL, finds neither their id nor their name; before it,
/export listed every row that mentions them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from test_forget_me_scan import (
    SKETCH,
    forget_zed,
    mentions,
    postgres,  # noqa: F401 - the fixture, shared
    postgres_rows,
    sqlite_rows,
    text,
)

from engine.content.loader import Content
from engine.ports import FailureReason, FixedClock, Store
from engine.replies import Document
from engine.scheduling import Delivery, PostRefused, Refusal
from engine.storage import open_store
from engine.tutor import Actor, Tutor

ZED_ID, ZED_NAME = "471100000000000001", "zed-secret-name"
ZED = Actor("discord", "guild-1", ZED_ID, ZED_NAME, "study", is_admin=True)
ZED_DM = Actor("discord", "guild-1", ZED_ID, ZED_NAME, None)
ANA = Actor("discord", "guild-1", "471100000000000002", "ana", "study")


class Platform:
    """Delivers, or refuses every post while `refusing`."""

    def __init__(self) -> None:
        self.refusing = False
        self.delivered: list[Delivery] = []

    async def __call__(self, delivery: Delivery) -> None:
        if self.refusing:
            raise PostRefused(Refusal(FailureReason.NO_ACCESS, "Discord 403 50007: Cannot DM"))
        self.delivered.append(delivery)


async def said(tutor: Tutor, actor: Actor, line: str) -> None:
    """Run a line of the scenario, which must not be refused."""
    reply = await tutor.handle_text(actor, line)
    assert "WARNING" not in text(reply), (line, text(reply))


async def a_full_life(tutor: Tutor, clock: FixedClock) -> None:
    platform = Platform()
    sweeper = tutor.sweeper("discord", "node-a", platform)
    zone_now = clock.now()
    await said(tutor, ZED, "/settings tz=UTC reminders=daily 09:00 interview=2027-06-01")
    await said(tutor, ZED, "/schedule daily 10:00 UTC")
    await said(tutor, ZED_DM, "/trace GET /u/7")
    await said(tutor, ZED_DM, "/climb")
    await said(tutor, ZED_DM, "/climb pick scale-out-app")
    await said(tutor, ZED, "/climb")  # the channel's game, which zed plays too
    await said(tutor, ZED, "/climb pick scale-up-app")
    await said(tutor, ZED, "/cluster add server")
    await said(tutor, ZED, "/cluster undo")  # the history row of an undo
    for drill in ("a-cpu-at-80", "b-read-ladder"):
        await said(tutor, ZED, f"/drill {drill}")
        await said(tutor, ZED, "/hint")
        await said(tutor, ZED, "/answer A bigger server.")
        await said(tutor, ZED, "/reveal")
        await said(tutor, ZED, "/rate again")
    await said(tutor, ZED, "/review misses")
    await said(tutor, ZED, f"/answer {SKETCH}")
    await said(tutor, ZED, "/challenge start a-cpu-at-80 5m")
    await said(tutor, ZED, f"/answer {SKETCH}")
    await said(tutor, ANA, f"/answer {SKETCH}")
    await tutor.first_sighting(f"slack:T1:action:{ZED_ID}:1700000000.1")
    # The challenge's reveal, the daily drill and a review reminder, through the sweeper; then
    # the next day's reminder is refused (kept as the schedule's failure).
    for hours, refusing in ((1, False), (24, False), (48, True)):
        clock.set(zone_now.replace(hour=0, minute=0) + timedelta(hours=hours + 9, minutes=30))
        platform.refusing = refusing
        while await sweeper.sweep_once():
            pass
    await tutor.saved()
    assert platform.delivered, "the sweeper delivered nothing"


async def check(tutor: Tutor, clock: FixedClock, read: Any) -> None:
    await a_full_life(tutor, clock)
    before = await read()
    touched = {t for t, lines in before.items() if any(ZED_ID in line for line in lines)}
    assert {"schedules", "climbs", "board_points", "miss_reviews", "jobs"} <= touched
    assert len(before["seen_requests"]) == 1  # kept, by a digest of its key
    reminder = [row for row in before["schedules"] if ZED_ID in row]
    assert any("Cannot DM" in row for row in reminder), before["schedules"]

    # /export lists every table that mentions zed, and each of zed's own rows there.
    exported = await tutor.handle_text(ZED, "/export")
    [document] = [b for b in exported.blocks if isinstance(b, Document)]
    doc = json.loads(document.data)
    listed = set(doc["yours"]) | set(doc["mentioned_in"])
    assert touched <= listed, touched - listed
    for table in touched:
        found = len(doc["yours"].get(table, [])) + len(doc["mentioned_in"].get(table, []))
        mentioning = [row for row in before[table] if ZED_ID in row]
        assert found == len(mentioning), (table, found, mentioning)

    done = await forget_zed(tutor)

    after = await read()
    found = mentions(after, ZED_ID, ZED_NAME)
    assert found == [], "\n".join(found)
    assert "deleted" in text(done)
    assert mentions(after, ANA.user_id)  # ana's challenge entry and points stay


async def test_a_full_life_is_forgotten_on_sqlite(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    path = tmp_path / "rungs.db"
    store = await open_store(f"sqlite:///{path}")
    try:

        async def read() -> dict[str, list[str]]:
            return sqlite_rows(path)

        await check(Tutor(store, content, clock), clock, read)
    finally:
        await store.close()


async def test_a_full_life_is_forgotten_on_postgres(
    postgres: tuple[Store, Any, str],  # noqa: F811 - the fixture
    content: Content,
    clock: FixedClock,
) -> None:
    store, admin, schema = postgres

    async def read() -> dict[str, list[str]]:
        return await postgres_rows(admin, schema)

    await check(Tutor(store, content, clock), clock, read)
