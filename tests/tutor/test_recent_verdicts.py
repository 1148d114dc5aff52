"""The reveal's verdict is remembered for the /rate that follows, and a node that did not
reveal the drill scores the sketch again to the same verdict."""

from __future__ import annotations

from pathlib import Path

from team_helpers import member, text_of

from engine.content.loader import Content
from engine.drills.scoring import score
from engine.ports import FixedClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor
from engine.tutor.verdicts import RecentVerdicts

SKETCH = "Put a Redis cache in front of the database, because it answers most reads."


def test_a_verdict_is_scored_once_while_it_is_remembered(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    params = {"qps": 30_000.0, "ratio": 50.0}
    recent = RecentVerdicts(kept=2)
    first = recent.score(1, drill, params, SKETCH)
    assert recent.score(1, drill, params, SKETCH) is first
    assert first == score(drill, params, SKETCH)
    assert recent.score(1, drill, params, SKETCH + " More.") is not first  # another sketch
    recent.score(2, drill, params, SKETCH)
    assert recent.score(1, drill, params, SKETCH) is not first  # forgotten: scored again
    assert recent.score(1, drill, params, SKETCH) == first


async def test_a_rating_on_another_node_follows_the_same_verdict(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    alice = member("alice", None)
    stores = [await SqliteStore.open(tmp_path / "n.db") for _ in range(2)]
    one, two = (Tutor(store, content, clock) for store in stores)
    await one.handle_text(alice, "/drill b-read-ladder")
    await one.handle_text(alice, f"/answer {SKETCH}")
    reveal = text_of(await one.handle_text(alice, "/reveal"))
    assert "Suggested rating: again" in reveal
    asked = text_of(await two.handle_text(alice, "/rate good"))
    assert "covered 1 of 10, which suggests again" in asked
    rated = text_of(await two.handle_text(alice, "/rate"))
    assert "rated again (as the reveal suggested)" in rated
    for store in stores:
        await store.close()
