"""/cluster history and /cluster undo through the Tutor on a real SQLite file: who changed the
channel's cluster and how, newest first; undo takes back the setup of the last change and keeps
what traffic did; undoing a reset brings the whole cluster back; two undos at once on two nodes
cannot both apply; a trace writes no history."""

from __future__ import annotations

import asyncio
from pathlib import Path

from team_helpers import member, text_of

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Reply
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

ANA = member("ana")


def drawn(reply: Reply) -> str:
    """Everything a reply holds, the drawn cluster too."""
    return repr(reply.blocks)


BEN = member("ben")


async def test_history_names_who_changed_what_newest_first(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    await tutor.handle_text(ANA, "/cluster set servers=4 lb=least-connections")
    await tutor.handle_text(BEN, "/trace GET /u/7")  # traffic: no history row
    await tutor.handle_text(BEN, "/cluster kill app-1 host")
    await tutor.handle_text(BEN, "/cluster wait 1")  # time passing: not a change of setup
    await tutor.handle_text(BEN, "/cluster kill app-9")  # refused: nothing recorded

    shown = await tutor.handle_text(ANA, "/cluster history")

    said = text_of(shown)
    assert said.index("kill app-1 host") < said.index("set servers=4 lb=least-connections")
    assert len(await sqlite_store.cluster_history(ANA.cluster_scope)) == 2
    assert shown.visibility.value == "private"  # it names people: for the caller only
    assert "you: set servers=4" in said
    assert "ben" in said
    assert "Sat 28 Nov 09:00 UTC" in said  # the clock's time, in the caller's zone
    await tutor.handle_text(ANA, "/settings tz=Europe/Berlin")
    assert "Sat 28 Nov 10:00 Europe/Berlin" in text_of(
        await tutor.handle_text(ANA, "/cluster history")
    )


async def test_undo_takes_back_the_setup_and_keeps_the_cache(tutor: Tutor) -> None:
    await tutor.handle_text(ANA, "/trace GET /u/7")  # warms the cache with user:7
    await tutor.handle_text(ANA, "/cluster kill app-1")
    await tutor.handle_text(ANA, "/cluster set cache=50")

    undone = text_of(await tutor.handle_text(BEN, "/cluster undo"))
    assert undone.startswith("Undone: set cache=50.")
    shown = drawn(await tutor.handle_text(ANA, "/cluster show"))
    assert "1/100 keys" in shown  # the cache size came back, its key stayed
    assert "app-1  DOWN" in shown  # the kill is older: still in force
    assert text_of(await tutor.handle_text(BEN, "/cluster undo")).startswith("Undone: kill app-1.")
    assert "app-1  up" in drawn(await tutor.handle_text(ANA, "/cluster show"))
    history = text_of(await tutor.handle_text(ANA, "/cluster history"))
    assert "undo: kill app-1" in history
    assert "kill app-1 (undone)" in history
    nothing = text_of(await tutor.handle_text(ANA, "/cluster undo"))
    assert nothing.startswith("Nothing to undo")


async def test_undoing_a_reset_brings_the_whole_cluster_back(tutor: Tutor) -> None:
    await tutor.handle_text(ANA, "/cluster set servers=3")
    await tutor.handle_text(ANA, "/trace GET /u/7")
    await tutor.handle_text(ANA, "/cluster reset")
    assert "0/100 keys" in drawn(await tutor.handle_text(ANA, "/cluster show"))

    undone = text_of(await tutor.handle_text(ANA, "/cluster undo"))

    assert "back as it was before the reset, cache and all" in undone
    shown = drawn(await tutor.handle_text(ANA, "/cluster show"))
    assert "1/100 keys" in shown
    assert "app-2" in shown
    assert "Trace #2" in drawn(await tutor.handle_text(ANA, "/trace GET /u/8"))


async def test_nothing_to_undo_in_a_fresh_channel(tutor: Tutor) -> None:
    reply = await tutor.handle_text(ANA, "/cluster undo")
    assert reply.is_error
    assert "Nothing to undo: no change of this cluster is recorded yet." in text_of(reply)


async def test_of_two_undos_at_once_on_two_nodes_one_applies(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    path = tmp_path / "shared.db"
    one, two = await SqliteStore.open(path), await SqliteStore.open(path)
    try:
        node_a, node_b = Tutor(one, content, clock), Tutor(two, content, clock)
        await node_a.handle_text(ANA, "/cluster add server")
        await node_a.handle_text(ANA, "/cluster kill app-0")
        replies = await asyncio.gather(
            node_a.handle_text(ANA, "/cluster undo"), node_b.handle_text(BEN, "/cluster undo")
        )
        said = sorted(text_of(r) for r in replies)
        assert said[0].startswith("Someone changed this cluster (or undid that change) just now")
        assert said[1].startswith("Undone: kill app-0.")
        entries = await one.cluster_history(ANA.cluster_scope)
        assert [e.words for e in entries] == ["undo: kill app-0", "kill app-0", "add server"]
    finally:
        await one.close()
        await two.close()
