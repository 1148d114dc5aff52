"""Helpers for the team-study tests: actors, reply text, and a sweeper that collects."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.replies import (
    Buttons,
    Checklist,
    Deadline,
    Fields,
    Heading,
    Notice,
    NoticeLevel,
    Paragraph,
    Reply,
)
from engine.scheduling import Delivery, Sweeper
from engine.tutor import Actor, Tutor


def member(user: str, channel: str | None = "study", admin: bool = False) -> Actor:
    return Actor("console", "local", user, user, channel, is_admin=admin)


def text_of(reply: Reply) -> str:
    parts = []
    for block in reply.blocks:
        if isinstance(block, Heading | Notice):
            parts.append(block.text)
        elif isinstance(block, Paragraph):
            parts.append("".join(s.text for s in block.spans))
        elif isinstance(block, Fields):
            parts.extend(f"{k}: {v}" for k, v in block.items)
        elif isinstance(block, Checklist):
            parts.extend(
                f"[{'x' if i.covered else ' '}] {i.label}: {i.detail}" for i in block.items
            )
        elif isinstance(block, Deadline):
            parts.append(f"{block.label} at {block.at.isoformat()}")
    return "\n".join(parts)


def is_warning(reply: Reply) -> bool:
    return any(isinstance(b, Notice) and b.level is not NoticeLevel.INFO for b in reply.blocks)


def button_ids(reply: Reply) -> dict[str, str]:
    found = next((b for b in reply.blocks if isinstance(b, Buttons)), Buttons(()))
    return {button.label: button.action_id for button in found.buttons}


@dataclass
class Collector:
    """A `deliver` callback that keeps what it is given (optionally failing first)."""

    delivered: list[Delivery] = field(default_factory=list)
    failures: int = 0

    async def __call__(self, delivery: Delivery) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the platform refused the post")
        self.delivered.append(delivery)


def sweeper(tutor: Tutor, collector: Collector, node: str = "node-a") -> Sweeper:
    return tutor.sweeper("console", node, collector)
