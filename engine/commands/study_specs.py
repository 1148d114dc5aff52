"""The study-path command specs: /path (and /drill list)."""

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
