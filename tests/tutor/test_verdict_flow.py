"""The verdict through the Tutor on a real SQLite file: the reveal explains each item with the
learner's clause, the rating follows it (suggested, taken with `/rate`, a kind one asked about
once), spaced repetition schedules what was rated, and a team challenge's points and the
leaderboard come from the same verdicts."""

from __future__ import annotations

from datetime import datetime, timedelta

from team_helpers import button_ids, is_warning, member, text_of

from engine.commands import buttons
from engine.content.loader import Content
from engine.drills import texts
from engine.ports import FixedClock
from engine.replies import Buttons, ButtonStyle, Checklist, Reply
from engine.storage.sqlite import SqliteStore
from engine.team.scores import BEST_BONUS
from engine.tutor import Tutor

ALICE, BOB = member("alice", None), member("bob", None)
BARE_LIST = "peak index cache redis hit ratio ttl stampede replica lag cdn shard"


def checklist(reply: Reply) -> Checklist:
    return next(b for b in reply.blocks if isinstance(b, Checklist))


def suggested_button(reply: Reply) -> str:
    found = next(b for b in reply.blocks if isinstance(b, Buttons))
    [primary] = [b for b in found.buttons if b.style is ButtonStyle.PRIMARY]
    return primary.label


async def model_answer(tutor: Tutor, store: SqliteStore, content: Content, who: str) -> str:
    session = await store.running_session(member(who, None).user_key)
    assert session is not None
    return texts.model_answer(content.drills[session.drill_id], session.params)


async def due_of(store: SqliteStore, who: str) -> datetime:
    [review] = await store.reviews(member(who, None).user_key)
    return review.due


async def test_a_bare_list_is_told_so_and_a_kind_rating_is_asked_about_once(
    tutor: Tutor, sqlite_store: SqliteStore, clock: FixedClock
) -> None:
    await tutor.handle_text(ALICE, "/drill b-read-ladder")
    await tutor.handle_text(ALICE, f"/answer {BARE_LIST}")
    reveal = await tutor.handle_text(ALICE, "/reveal")
    text = text_of(reveal)
    assert "covered 0/10" in text
    assert "A list of terms is not a design: say what each does and why." in text
    assert "named only in a list of terms" in text
    assert "Suggested rating: again" in text
    assert suggested_button(reveal) == "Again (suggested)"

    asked = await tutor.handle_button(ALICE, button_ids(reveal)["Easy"])
    assert is_warning(asked)
    assert "covered 0 of 10, which suggests again" in text_of(asked)
    assert "/rate easy confirm" in text_of(asked)
    latest = await sqlite_store.latest_session(ALICE.user_key)
    assert latest is not None
    assert latest.rating is None  # asking saves nothing
    assert await sqlite_store.reviews(ALICE.user_key) == []

    confirm = button_ids(asked)["Easy, I mean it"]
    assert confirm == buttons.rate("easy", latest.id, confirm=True)
    rated = await tutor.handle_button(ALICE, confirm)
    assert "rated easy (the reveal suggested again)" in text_of(rated)
    assert (await due_of(sqlite_store, "alice")) - clock.now() > timedelta(days=3)


async def test_rate_alone_takes_the_suggestion_and_repetition_follows_it(
    tutor: Tutor, sqlite_store: SqliteStore, content: Content, clock: FixedClock
) -> None:
    for who, actor in (("alice", ALICE), ("bob", BOB)):
        await tutor.handle_text(actor, "/drill b-read-ladder")
        if who == "alice":
            answer = await model_answer(tutor, sqlite_store, content, who)
            await tutor.handle_text(actor, f"/answer {answer}")
        reveal = await tutor.handle_text(actor, "/reveal")
        rated = await tutor.handle_text(actor, "/rate")
        suggested = "easy" if who == "alice" else "again"
        assert f"Suggested rating: {suggested}" in text_of(reveal)
        assert f"rated {suggested} (as the reveal suggested)" in text_of(rated)
    # The strong answer comes back days later, the empty one tomorrow.
    assert (await due_of(sqlite_store, "alice")) - clock.now() > timedelta(days=3)
    assert (await due_of(sqlite_store, "bob")) - clock.now() == timedelta(days=1)


async def test_a_rating_one_step_above_the_suggestion_needs_no_question(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill b-read-ladder")
    await tutor.handle_text(ALICE, "/reveal")
    assert is_warning(await tutor.handle_text(ALICE, "/rate good"))
    rated = await tutor.handle_text(ALICE, "/rate hard")  # asked once; this one goes through
    assert "rated hard (the reveal suggested again)" in text_of(rated)


async def test_a_confirm_button_of_an_earlier_drill_rates_nothing(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill b-read-ladder")
    await tutor.handle_text(ALICE, "/reveal")
    asked = await tutor.handle_text(ALICE, "/rate easy")
    old = button_ids(asked)["Easy, I mean it"]
    await tutor.handle_text(ALICE, "/rate again")
    await tutor.handle_text(ALICE, "/drill c-lb-ha")
    await tutor.handle_text(ALICE, "/reveal")
    stale = await tutor.handle_button(ALICE, old)
    assert is_warning(stale)
    assert "belongs to an earlier drill" in text_of(stale)


async def test_the_reveal_quotes_covering_and_contradicting_clauses(tutor: Tutor) -> None:
    await tutor.handle_text(ALICE, "/drill b-read-ladder")
    await tutor.handle_text(
        ALICE,
        "/answer Put a Redis cache in front of the database, because it answers most reads. "
        "I would shard the database first. Should we add read replicas?",
    )
    reveal = await tutor.handle_text(ALICE, "/reveal")
    items = {i.label: i for i in checklist(reveal).items}
    cache = items["Rung 1: put a cache in front"]
    assert cache.covered
    assert cache.quote.startswith("Put a Redis cache in front of the database")
    shard = items["Rung 3 is sharding, and it is not for reads"]
    assert shard.contradicted
    assert not shard.covered
    assert shard.quote == "I would shard the database first"
    assert "counts as not covered" in shard.detail
    replicas = items["Rung 2: read replicas"]
    assert not replicas.covered
    assert not replicas.contradicted
    assert "you only asked about it" in replicas.detail
    text = text_of(reveal)
    assert "covered 1/10" in text  # the contradicted item counts zero
    assert "Trap: Sharding first. You wrote “I would shard the database first”." in text
    assert "Study list: Rung 3 is sharding, and it is not for reads; " in text  # first


async def test_team_points_and_the_board_follow_the_verdicts(
    tutor: Tutor, sqlite_store: SqliteStore, content: Content
) -> None:
    """A buzzword list against a real answer to one challenge."""
    alice, bob = member("alice"), member("bob")
    await tutor.handle_text(alice, "/challenge start b-read-ladder 5m")
    challenge = await sqlite_store.running_challenge(alice.cluster_scope)
    assert challenge is not None
    real = texts.model_answer(content.drills["b-read-ladder"], challenge.params)
    await tutor.handle_text(alice, f"/answer {BARE_LIST}. I would shard the database first.")
    await tutor.handle_text(bob, f"/answer {real}")
    reveal = text_of(await tutor.handle_text(alice, "/challenge end"))
    assert "bob: covered 10/10 · " in reveal
    assert f"{10 + BEST_BONUS} points (best)" in reveal
    assert "alice: covered 0/10 · 1 contradicted · 1 trap · a list of terms · 0 points" in (reveal)
    assert "contradicted by alice" not in reveal  # bob covered it: the team did
    board = text_of(await tutor.handle_text(alice, "/leaderboard"))
    assert board.index("1. bob") < board.index("2. alice")
    assert f"1. bob: {10 + BEST_BONUS} points" in board
    assert "2. alice: 0 points" in board
