"""The study-path command specs: /path (and /drill list), /hint, /review."""

from __future__ import annotations

from engine.commands import types as t
from engine.commands.options import CommandSpec

PATH = CommandSpec(
    name="path",
    summary="every drill in ladder order, with your best coverage and next review",
    usage="",
    build=lambda v: t.PathCommand(),
    examples=("/path", "/drill list"),
    private=True,
)

HINT = CommandSpec(
    name="hint",
    summary="a nudge towards what your running drill's sketch is missing (never the answer)",
    usage="",
    build=lambda v: t.HintCommand(),
    examples=("/hint",),
    private=True,
)

REVIEW = CommandSpec(
    name="review",
    summary="re-ask only the checklist items you missed most, one at a time",
    usage="misses | skip | stop",
    default_sub="misses",
    subcommands=(
        CommandSpec(
            "misses",
            "start a review of your most-missed items, or show the current one",
            "",
            lambda v: t.ReviewMissesCommand("misses"),
        ),
        CommandSpec(
            "skip",
            "put the current item at the back of the review",
            "",
            lambda v: t.ReviewMissesCommand("skip"),
        ),
        CommandSpec(
            "stop", "end the review of misses", "", lambda v: t.ReviewMissesCommand("stop")
        ),
    ),
    examples=("/review misses", "/answer a sentence or two", "/review skip"),
    private=True,
)
