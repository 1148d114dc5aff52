"""Reading replies in the study tests: all of a reply's text, and its buttons."""

from __future__ import annotations

from engine.replies import (
    Block,
    Buttons,
    Checklist,
    Deadline,
    Fields,
    Heading,
    Notice,
    Paragraph,
    Preformatted,
    Reply,
    TraceSteps,
)


def block_text(block: Block) -> str:
    match block:
        case Heading(text) | Notice(text) | Preformatted(text):
            return text
        case Paragraph(spans):
            return "".join(s.text for s in spans)
        case Fields(items):
            return "\n".join(f"{label}: {value}" for label, value in items)
        case Checklist(items):
            return "\n".join(f"[{'x' if i.covered else ' '}] {i.label}" for i in items)
        case Buttons(buttons):
            return " | ".join(b.label for b in buttons)
        case Deadline(_, label):
            return label
        case TraceSteps():
            return block.title
        case _:
            return ""


def text(reply: Reply) -> str:
    return "\n".join(block_text(b) for b in reply.blocks)


def button_ids(reply: Reply) -> dict[str, str]:
    """Label -> action id, over every button of the reply."""
    return {
        b.label: b.action_id
        for block in reply.blocks
        if isinstance(block, Buttons)
        for b in block.buttons
    }
