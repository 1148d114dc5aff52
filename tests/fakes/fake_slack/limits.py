"""Block Kit limits that a renderer can break, checked the way Slack checks them.

Slack refuses the whole message or view and explains each violation in
``response_metadata.messages`` as ``[ERROR] <what> [json-pointer:/path]``; the fake does the same.
The numbers are those of shared/reference/platforms.md, section 3 (slack_sdk's model validators
and Slack's Block Kit reference).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100  # modal and App Home alike
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
MARKDOWN_TEXT = 12000
ACTIONS_ELEMENTS = 25
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LENGTH = 255  # action_id, block_id, callback_id
INPUT_LABEL = 2000
MODAL_TITLE = 24  # also submit and close
PRIVATE_METADATA = 3000


def _too_long(value: object, limit: int, pointer: str) -> Iterator[str]:
    if isinstance(value, str) and len(value) > limit:
        # Slack's wording ("less than 3001 characters" for a 3,000-character limit).
        yield f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _too_many(items: object, limit: int, pointer: str) -> Iterator[str]:
    if isinstance(items, list) and len(items) > limit:
        yield f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"


def _text_of(obj: object) -> object:
    return obj.get("text") if isinstance(obj, dict) else None


def _element_errors(element: object, pointer: str) -> Iterator[str]:
    if not isinstance(element, dict):
        return
    yield from _too_long(element.get("action_id"), ID_LENGTH, f"{pointer}/action_id")
    if element.get("type") == "button":
        yield from _too_long(_text_of(element.get("text")), BUTTON_TEXT, f"{pointer}/text/text")
        yield from _too_long(element.get("value"), BUTTON_VALUE, f"{pointer}/value")


def _block_errors(block: object, pointer: str) -> Iterator[str]:
    if not isinstance(block, dict):
        yield f"[ERROR] expected an object [json-pointer:{pointer}]"
        return
    kind = block.get("type")
    yield from _too_long(block.get("block_id"), ID_LENGTH, f"{pointer}/block_id")
    if kind == "section":
        yield from _too_long(_text_of(block.get("text")), SECTION_TEXT, f"{pointer}/text/text")
        fields = block.get("fields")
        yield from _too_many(fields, SECTION_FIELDS, f"{pointer}/fields")
        for i, item in enumerate(fields if isinstance(fields, list) else []):
            yield from _too_long(_text_of(item), FIELD_TEXT, f"{pointer}/fields/{i}/text")
        yield from _element_errors(block.get("accessory"), f"{pointer}/accessory")
    elif kind == "header":
        yield from _too_long(_text_of(block.get("text")), HEADER_TEXT, f"{pointer}/text/text")
    elif kind == "markdown":
        yield from _too_long(block.get("text"), MARKDOWN_TEXT, f"{pointer}/text")
    elif kind in {"actions", "context"}:
        elements = block.get("elements")
        limit = ACTIONS_ELEMENTS if kind == "actions" else CONTEXT_ELEMENTS
        yield from _too_many(elements, limit, f"{pointer}/elements")
        for i, element in enumerate(elements if isinstance(elements, list) else []):
            yield from _element_errors(element, f"{pointer}/elements/{i}")
    elif kind == "input":
        yield from _too_long(_text_of(block.get("label")), INPUT_LABEL, f"{pointer}/label/text")
        yield from _too_long(_text_of(block.get("hint")), INPUT_LABEL, f"{pointer}/hint/text")
        yield from _element_errors(block.get("element"), f"{pointer}/element")


def _blocks_errors(blocks: object, limit: int, pointer: str) -> list[str]:
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [f"[ERROR] expected an array [json-pointer:{pointer}]"]
    errors = list(_too_many(blocks, limit, pointer))
    for i, block in enumerate(blocks):
        errors.extend(_block_errors(block, f"{pointer}/{i}"))
    return errors


def message_errors(blocks: object) -> list[str]:
    """Violations in a message's ``blocks`` (chat.*, response_url)."""
    return _blocks_errors(blocks, MESSAGE_BLOCKS, "/blocks")


def view_errors(view: object) -> list[str]:
    """Violations in a modal or App Home view (views.open/update/publish)."""
    if not isinstance(view, dict):
        return ["[ERROR] expected an object [json-pointer:/view]"]
    errors = _blocks_errors(view.get("blocks"), VIEW_BLOCKS, "/view/blocks")
    if view.get("type") == "modal":
        for key in ("title", "submit", "close"):
            errors.extend(_too_long(_text_of(view.get(key)), MODAL_TITLE, f"/view/{key}/text"))
    errors.extend(
        _too_long(view.get("private_metadata"), PRIVATE_METADATA, "/view/private_metadata")
    )
    errors.extend(_too_long(view.get("callback_id"), ID_LENGTH, "/view/callback_id"))
    return errors


def refusal(error: str, messages: list[str]) -> JSON:
    """Slack's answer to a refused payload: the error code plus one line per violation."""
    return {
        "ok": False,
        "error": error,
        "errors": [m.removeprefix("[ERROR] ") for m in messages],
        "response_metadata": {"messages": messages},
    }
