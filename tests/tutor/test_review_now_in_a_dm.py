"""A reminder's "review now" pressed in a Discord direct message, which is outside the server
whose reviews it is about: the drill runs for the learner in that server, and its buttons (the
answer form, the reveal, the ratings after it) act for them there, from the DM; anybody else
pressing them is refused. Through the Tutor and a real SQLite file."""

from __future__ import annotations

from datetime import timedelta

from study_helpers import button_ids, text

from engine.commands import buttons
from engine.commands.types import ActingForCommand, RevealCommand
from engine.ports import FixedClock, UserKey
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

IN_SERVER = Actor("discord", "g1", "u1", "ana", "study")
IN_DM = Actor("discord", "dm", "u1", "ana")  # how Discord's adapter sees a DM
SOMEONE_ELSE = Actor("discord", "dm", "u2", "ben")


async def test_a_drill_from_review_now_in_a_dm_is_the_learners_in_their_server(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    await tutor.handle_text(IN_SERVER, "/drill e07-cdn")
    await tutor.handle_text(IN_SERVER, "/reveal")
    await tutor.handle_text(IN_SERVER, "/rate again")
    clock.set(clock.now() + timedelta(days=2))
    review_now = buttons.reminder("review", "g1", "u1") or ""

    started = await tutor.handle_button(IN_DM, review_now)

    assert "Drill: Putting a CDN in front" in text(started)
    ids = button_ids(started)
    assert all(i.startswith("r1:af:g1:u1:") for i in ids.values()), ids
    running = await sqlite_store.running_session(UserKey("discord", "g1", "u1"))
    assert running is not None
    assert running.drill_id == "e07-cdn"
    assert await sqlite_store.running_session(UserKey("discord", "dm", "u1")) is None

    # Someone else's press of the same buttons is refused and changes nothing.
    refused = await tutor.handle_button(SOMEONE_ELSE, ids["Reveal"])
    assert refused.is_error
    assert "sent to someone else" in text(refused)
    form = buttons.answer_form(ids["Answer"])
    assert form is not None
    assert form.acting_for == ("g1", "u1")
    options = {"text": "a CDN caches static files at edge locations", **form.options}
    foreign = await tutor.handle_options(SOMEONE_ELSE, "answer", None, options)
    assert foreign.is_error
    still = await sqlite_store.running_session(UserKey("discord", "g1", "u1"))
    assert still is not None
    assert still.answer == ""

    # Hers work from the DM: the answer form, the reveal, a rating.
    answered = await tutor.handle_options(IN_DM, "answer", None, options)
    assert not answered.is_error, text(answered)
    revealed = await tutor.handle_button(IN_DM, ids["Reveal"])
    assert "covered" in text(revealed), text(revealed)
    rates = button_ids(revealed)
    assert rates
    assert all(i.startswith("r1:af:g1:u1:") for i in rates.values())
    suggested = next(v for k, v in rates.items() if "suggested" in k)
    rated = await tutor.handle_button(IN_DM, suggested)
    assert not rated.is_error, text(rated)
    [review] = await sqlite_store.reviews(UserKey("discord", "g1", "u1"))
    assert review.due > clock.now()  # rated in her server: the review moved on


def test_an_acting_for_id_is_read_once_and_never_nested() -> None:
    wrapped = buttons.acting_for("g1", "u1", buttons.reveal(7))
    assert wrapped == "r1:af:g1:u1:rv:7"
    assert buttons.read_button(wrapped).command == ActingForCommand("g1", "u1", RevealCommand(7))
    assert buttons.acting_for("g1", "u1", wrapped) is None  # no button acts for two
    assert buttons.acting_for("g 1", "u1", buttons.reveal(7)) is None  # not an id
    assert buttons.read_button("r1:af:g1:u1:af:g2:u2:rv:7").command is None
