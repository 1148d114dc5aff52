"""Make text safe for Discord: no control characters, no accidental markdown, no pings.

Every function here is pure and idempotent where that matters (`neutralise` can run twice).
"""

from __future__ import annotations

import re

from engine.replies import strip_controls

ZWSP = "\u200b"

_URL = r"(?P<url>https?://[^\s<]+[^<.,:;\"'\]\s])"
_MARKDOWN = re.compile(
    _URL
    + r"|(?P<char>[\\*_~|`\[\]])"  # emphasis, strike, spoiler, code, masked links
    + r"|^(?P<lead>[ \t]*)(?P<mark>[>#+-])"  # quote, heading, list, subtext at a line start
    + r"|^(?P<number>[ \t]*\d+)(?P<dot>\.)(?=[ \t])",  # numbered list
    re.MULTILINE,
)
# `@everyone`, `@here`: a zero-width space after the @ keeps the text and kills the ping.
_BROADCAST = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
# `<@123>`, `<@!123>`, `<@&123>`, `<#123>`: a zero-width space after the < breaks the syntax.
_MENTION_SYNTAX = re.compile(r"<(?=[@#])")
_ROLE_SYNTAX = re.compile(r"<(?=@&)")
_FENCE = "```"


def clean(text: str) -> str:
    """Drop control characters (ANSI escapes, bells, carriage returns); keep newlines and tabs."""
    return strip_controls(text)


def escape_markdown(text: str) -> str:
    """Backslash-escape Discord markdown so the text reads as typed; links stay clickable."""
    return _MARKDOWN.sub(_escape_match, text)


def _escape_match(match: re.Match[str]) -> str:
    if url := match.group("url"):
        return url
    if char := match.group("char"):
        return "\\" + char
    if mark := match.group("mark"):
        return match.group("lead") + "\\" + mark
    return match.group("number") + "\\."


def neutralise(text: str) -> str:
    """Break every mention syntax: broadcasts, users, roles and channels."""
    return _MENTION_SYNTAX.sub("<" + ZWSP, _BROADCAST.sub("@" + ZWSP, text))


def silence_broadcasts(text: str) -> str:
    """The last pass over everything sent: no `@everyone`, `@here` or role mention, ever.

    User mentions survive it, because `SpanStyle.MENTION` is the one live mention.
    """
    return _ROLE_SYNTAX.sub("<" + ZWSP, _BROADCAST.sub("@" + ZWSP, text))


def plain(text: str) -> str:
    """Text for a markdown surface (description, title, field): cleaned, escaped, neutralised."""
    return neutralise(escape_markdown(clean(text)))


def literal(text: str) -> str:
    """Text for a surface without markdown (footer, button label): cleaned and neutralised."""
    return neutralise(clean(text))


def code_span(text: str) -> str:
    """Inline code. Backticks cannot be escaped inside it, so they become a look-alike."""
    body = neutralise(clean(text)).replace("`", "\u02cb").replace("\n", " ")
    return f"`{body}`" if body.strip() else ""


def code_body(text: str) -> str:
    """The inside of a fenced block: a ``` in the text can no longer close the fence."""
    body = neutralise(clean(text))
    while _FENCE in body:
        body = body.replace(_FENCE, f"`{ZWSP}`{ZWSP}`")
    return body


def fence(body: str) -> str:
    return f"{_FENCE}\n{body}\n{_FENCE}"


FENCE_OVERHEAD = len(fence(""))
