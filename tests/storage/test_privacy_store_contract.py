"""What /forget-me needs of every store: a full scan of a workspace's clusters and traces for a
user's reference, deleting the traces that mention them, and forget_user taking their nudge
jobs (done or pending) with their rows. On each database of the contract."""

from __future__ import annotations

from datetime import timedelta

from store_databases import NOW

from engine.ports import (
    Board,
    DrillNudge,
    NewJob,
    Scope,
    ScopeKind,
    Store,
    StoredTrace,
    Target,
    UserKey,
)

BOARD = Board("slack", "T1")
STUDY = Scope("slack", "T1", ScopeKind.CHANNEL, "C1")
OTHER = Scope("slack", "T1", ScopeKind.CHANNEL, "C2")
QUIET = Scope("slack", "T1", ScopeKind.CHANNEL, "C3")
ELSEWHERE = Scope("slack", "T2", ScopeKind.CHANNEL, "C1")  # same channel id, other workspace
ZED = "\u27e6U0ZED\u27e7"


async def _save(store: Store, scope: Scope, document: str, trace: str | None = None) -> None:
    stored = await store.load_cluster(scope)
    version = 0 if stored is None else stored.version
    traced = None if trace is None else StoredTrace(version + 1, trace)
    assert await store.save_cluster(scope, document, version, NOW, traced)


async def test_the_scan_finds_clusters_and_traces_mentioning_a_user_in_one_workspace(
    store: Store,
) -> None:
    await _save(store, STUDY, f'{{"sessions":["{ZED}"]}}')
    await _save(store, OTHER, '{"sessions":[]}', trace=f'{{"title":"GET /u/7 by {ZED}"}}')
    await _save(store, QUIET, '{"sessions":["\u27e6U0ANA\u27e7"]}', trace='{"title":"ana"}')
    await _save(store, ELSEWHERE, f'{{"sessions":["{ZED}"]}}', trace=f'{{"t":"{ZED}"}}')

    assert await store.scopes_mentioning(BOARD, ZED) == [STUDY, OTHER]
    assert await store.scopes_mentioning(Board("slack", "T"), ZED) == []  # a prefix of T1
    assert await store.delete_traces_mentioning(BOARD, ZED) == 1
    assert await store.load_trace(OTHER, 1) is None
    assert await store.load_trace(QUIET, 1) == '{"title":"ana"}'
    assert await store.load_trace(ELSEWHERE, 1) is not None
    assert await store.scopes_mentioning(BOARD, ZED) == [STUDY]
    assert await store.delete_traces_mentioning(BOARD, ZED) == 0


async def test_a_percent_or_underscore_in_an_id_is_no_wildcard(store: Store) -> None:
    await _save(store, STUDY, '{"sessions":["\u27e6U0ZEDX\u27e7"]}')
    assert await store.scopes_mentioning(BOARD, "\u27e6U0_ED%\u27e7") == []
    assert await store.scopes_mentioning(Board("slack", "T_"), "U0ZED") == []


async def test_forgetting_a_user_deletes_their_nudges_and_only_theirs(store: Store) -> None:
    zed, ana = UserKey("slack", "T1", "U0ZED"), UserKey("slack", "T1", "U0ANA")
    due = NOW + timedelta(minutes=5)
    for n, user in enumerate((zed, ana), start=1):
        target = Target("T1", "C1", user.user_id)
        job = NewJob(f"drill:{n}", "slack", target, DrillNudge(n, user), due)
        assert await store.schedule_job(job)

    await store.forget_user(zed)

    claimed = await store.claim_due_jobs("slack", "n1", due, timedelta(seconds=60), 10)
    assert [job.key for job in claimed] == ["drill:2"]
    # The key is free again (nothing of zed is left to keep it), and zed's nudge is gone for good.
    assert await store.schedule_job(
        NewJob("drill:1", "slack", Target("T1"), DrillNudge(1, ana), due)
    )
