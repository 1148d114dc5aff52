"""The history of cluster changes, the same on every store (memory, a real SQLite file, a real
PostgreSQL): written only with its change's save, newest first, trimmed to HISTORY_KEPT, an
undo marks its change once (a second undo of it changes nothing), and forgetting a user blanks
their id and drops the documents that name them."""

from __future__ import annotations

from datetime import timedelta

from store_databases import NOW

from engine.ports import (
    HISTORY_KEPT,
    Board,
    ChangeNote,
    ClusterSave,
    Scope,
    ScopeKind,
    Store,
    StoredTrace,
)

SCOPE = Scope("slack", "T1", ScopeKind.CHANNEL, "C7")
OTHER_BOARD = Scope("slack", "T2", ScopeKind.CHANNEL, "C7")


def save(version: int, note: ChangeNote | None, scope: Scope = SCOPE) -> ClusterSave:
    at = NOW + timedelta(minutes=version)
    return ClusterSave(scope, f'{{"v": {version + 1}}}', version, at, None, note)


async def test_a_change_is_kept_with_its_save_and_a_trace_is_not(store: Store) -> None:
    first = ChangeNote("U1", "set servers=4", '{"v": 0}')
    assert await store.save_clusters([save(0, first)]) == [True]
    trace = StoredTrace(1, "trace")
    traced = ClusterSave(SCOPE, '{"v": 2}', 1, NOW + timedelta(minutes=1), trace)
    assert await store.save_clusters([traced]) == [True]
    stale = ChangeNote("U2", "kill app-1", '{"v": 1}')
    assert await store.save_clusters([save(1, stale)]) == [False]  # version moved on: no row

    [entry] = await store.cluster_history(SCOPE)

    assert (entry.user_id, entry.words, entry.before) == ("U1", "set servers=4", '{"v": 0}')
    assert (entry.undo_of, entry.undone, entry.undoable) == (None, False, True)
    assert entry.at == NOW


async def test_an_undo_marks_its_change_once(store: Store) -> None:
    await store.save_clusters([save(0, ChangeNote("U1", "set servers=4", "{}"))])
    await store.save_clusters([save(1, ChangeNote("U2", "kill app-1", '{"v": 2}'))])
    newest = (await store.cluster_history(SCOPE))[0]
    assert newest.words == "kill app-1"

    undo = ChangeNote("U1", "undo: kill app-1", None, newest.id)
    assert await store.save_clusters([save(2, undo)]) == [True]
    again = ChangeNote("U3", "undo: kill app-1", None, newest.id)
    assert await store.save_clusters([save(3, again)]) == [False]  # undone already

    entries = await store.cluster_history(SCOPE)
    assert [(e.words, e.undone, e.undoable) for e in entries] == [
        ("undo: kill app-1", False, False),
        ("kill app-1", True, False),
        ("set servers=4", False, True),
    ]
    assert entries[0].undo_of == newest.id
    assert (await store.load_cluster(SCOPE)).version == 3  # type: ignore[union-attr]


async def test_the_history_is_bounded(store: Store) -> None:
    for version in range(HISTORY_KEPT + 5):
        note = ChangeNote("U1", f"add server {version}", "{}")
        assert await store.save_clusters([save(version, note)]) == [True]

    entries = await store.cluster_history(SCOPE)

    assert len(entries) == HISTORY_KEPT
    assert entries[0].words == f"add server {HISTORY_KEPT + 4}"
    assert entries[-1].words == "add server 5"


async def test_forgetting_a_user_blanks_them_in_their_workspace_only(store: Store) -> None:
    ref = "\u27e6U9\u27e7"
    await store.save_clusters([save(0, ChangeNote("U9", "set sticky=on", "{}"))])
    await store.save_clusters([save(1, ChangeNote("U1", "kill app-0", f'{{"s": "{ref}"}}'))])
    await store.save_clusters([save(2, ChangeNote("U1", "add server", "{}"))])
    await store.save_clusters([save(0, ChangeNote("U9", "add shard", "{}"), OTHER_BOARD)])

    assert await store.forget_in_history(Board("slack", "T1"), "U9", ref) == 2

    entries = await store.cluster_history(SCOPE)
    assert [(e.user_id, e.words, e.before is None) for e in entries] == [
        ("U1", "add server", False),
        ("U1", "kill app-0", True),  # its document named U9: no longer undoable
        ("", "set sticky=on", False),
    ]
    [elsewhere] = await store.cluster_history(OTHER_BOARD)
    assert elsewhere.user_id == "U9"


async def test_deleting_a_cluster_deletes_its_history(store: Store) -> None:
    await store.save_clusters([save(0, ChangeNote("U1", "set servers=4", "{}"))])
    await store.delete_cluster(SCOPE)
    assert await store.cluster_history(SCOPE) == []
