"""Text no database can store (a lone surrogate, as a JSON escape delivers it) is refused or
replaced before anything is written: never the generic error, never a half-written join."""

from __future__ import annotations

import pytest
from team_helpers import is_warning, member, text_of

from engine.commands import buttons
from engine.commands.incoming import Options, Typed
from engine.ports import Scope, ScopeKind
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

LONE = "\ud800"
STUDY = Scope("console", "local", ScopeKind.CHANNEL, "study")


async def _challenge(tutor: Tutor, store: SqliteStore) -> int:
    await tutor.handle_text(member("alice"), "/challenge start a-cpu-at-80 5m")
    running = await store.running_challenge(STUDY)
    assert running is not None
    return running.id


@pytest.mark.parametrize(
    "incoming",
    [
        Typed(f"/answer a load balancer{LONE} and replicas"),
        Options("answer", None, {"text": f"caches {LONE}"}),
    ],
    ids=["typed", "form"],
)
async def test_a_lone_surrogate_in_an_answer_is_refused_and_changes_nothing(
    tutor: Tutor, sqlite_store: SqliteStore, incoming: Typed | Options
) -> None:
    challenge_id = await _challenge(tutor, sqlite_store)
    if isinstance(incoming, Options):
        incoming = Options("answer", None, {**incoming.options, "challenge": str(challenge_id)})
    reply = await tutor.handle(member("bob"), incoming)
    assert is_warning(reply)
    assert "broken character" in text_of(reply)
    assert "went wrong" not in text_of(reply)
    assert await sqlite_store.challenge_entries(challenge_id) == []  # bob did not half-join


async def test_a_lone_surrogate_in_a_display_name_is_replaced(
    tutor: Tutor, sqlite_store: SqliteStore
) -> None:
    challenge_id = await _challenge(tutor, sqlite_store)
    broken = Actor("console", "local", "bob", f"bob{LONE}by", "study")
    joined = await tutor.handle_button(broken, buttons.challenge_join(challenge_id))
    assert not is_warning(joined), text_of(joined)
    [entry] = await sqlite_store.challenge_entries(challenge_id)
    assert entry.display_name == "bob\ufffdby"
    status = await tutor.handle_text(member("alice"), "/challenge status")
    assert "bob\ufffdby" in text_of(status)
