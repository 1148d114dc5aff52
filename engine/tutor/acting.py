"""Buttons that act for one learner in one workspace wherever they are pressed
(`ActingForCommand`): a drill started from a review reminder in a Discord direct message runs
in the server the reminder was about, so its buttons (and the buttons of every reply they
bring: the reveal's ratings, the next drill) carry that server and that learner."""

from __future__ import annotations

from dataclasses import replace

from engine.commands import buttons
from engine.commands.types import ActingForCommand
from engine.errors import RungsError
from engine.replies import Button, Buttons, Reply
from engine.tutor.actor import Actor


def acting_actor(actor: Actor, command: ActingForCommand) -> Actor:
    """Who the command acts as: the learner it was sent to, in their workspace; anybody else,
    or a press outside a direct message (where these buttons are never posted), is refused."""
    if actor.user_id != command.user_id:
        raise RungsError("Those buttons were sent to someone else: they act only for them.")
    if actor.in_channel:
        raise RungsError("Those buttons work only in the direct message they came in.")
    return replace(actor, workspace=command.workspace)


def for_learner(reply: Reply, workspace: str, user_id: str) -> Reply:
    """The reply with each of its buttons acting for this learner in this workspace (a button
    whose id cannot carry them is left as it is)."""
    blocks = tuple(
        Buttons(tuple(_acting(b, workspace, user_id) for b in block.buttons))
        if isinstance(block, Buttons)
        else block
        for block in reply.blocks
    )
    return replace(reply, blocks=blocks)


def _acting(button: Button, workspace: str, user_id: str) -> Button:
    wrapped = buttons.acting_for(workspace, user_id, button.action_id)
    return button if wrapped is None else replace(button, action_id=wrapped)
