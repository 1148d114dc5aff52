"""Make text safe for Slack: no control characters, no accidental mrkdwn, no pings.

Slack parses `&`, `<` and `>` itself (`<!channel>`, `<!here>`, `<!everyone>`,
`<!subteam^…>`, `<@U…>`, `<#C…>`, links), so every `&`, `<` and `>` that is not the renderer's
own becomes `&amp;`, `&lt;`, `&gt;`, as Slack asks ("Escaping text" in Slack's formatting
docs). That alone kills every mention syntax a user can type.

What escaping cannot do, a word joiner (U+2060) does: mrkdwn has no backslash escape, and a
bare `@channel` can still be linked (the `link_names` option, older clients). The joiner is
invisible, takes no width, does not allow a line break where it stands (a zero-width space
would let `@` and `channel` wrap apart), and is not whitespace or punctuation, so Slack's
parsers no longer see `@channel`, an opening `*`, `_`, `~` or a backtick at a word start, or a
`>` at a line start. A look-alike (the fullwidth `＠`) would change the text a reader copies
and searches for, and it is one more character whose handling differs between clients.
"""

from __future__ import annotations

import re

from bot.slack_app.limits import TOTAL_TEXT
from engine.replies import strip_controls

WJ = "\u2060"
FENCE = "```"
LINK = 1000  # the longest link made of a URL (a field holds 2,000 characters)

_URL = re.compile(r"https?://[^\s<>|`\"]*[^\s<>|`\"'.,:;!?)\]]")
# Broadcasts anywhere, and any `@handle` at a word start (a user group is linked by name).
_BROADCAST = re.compile(r"@(?=channel|here|everyone)", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@(?=\w)")
# Markup can only open at a word start: `a_b_c` and `:white_check_mark:` stay as typed.
_MARKUP = re.compile(r"(?<![\w\u2060])(?=[*_~`])")
_QUOTE = re.compile(r"^(?=[ \t]*&gt;)", re.MULTILINE)
# In text for plain_text surfaces: a mention syntax a user typed, shown but never parsed.
_SYNTAX = re.compile(r"<(?=[!@#])")
# The renderer's own `<…>` (links, mentions, dates) in escaped text, where no other `<` is left.
_OWN_TOKEN = re.compile(r"(<[^<>\n]*>)")


def clean(text: str) -> str:
    """Drop control characters (ANSI escapes, bells, carriage returns); keep newlines and tabs.

    A typed word joiner goes too: the renderer's own joiners then mean what they say. No text
    a message carries passes `TOTAL_TEXT`, so nothing past it is escaped only to be cut (one
    character more, so that the cut still shows).
    """
    return strip_controls(text).replace(WJ, "")[: TOTAL_TEXT + 1]


def entities(text: str) -> str:
    """`&`, `<`, `>` as the entities Slack decodes (`&` first, so nothing is escaped twice)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def silence(text: str) -> str:
    """Break `@channel`, `@here`, `@everyone` and `@handle` with a word joiner. Idempotent.

    For escaped mrkdwn: the renderer's own tokens are left whole, so that a link to
    `https://example.com/@alice` still leads there (inside a link, `@here` pings nobody).
    """
    parts = _OWN_TOKEN.split(text)
    return "".join(part if index % 2 else _silence(part) for index, part in enumerate(parts))


def _silence(text: str) -> str:
    return _HANDLE.sub("@" + WJ, _BROADCAST.sub("@" + WJ, text))


def mrkdwn(text: str) -> str:
    """Text for a mrkdwn surface, shown as typed: cleaned, escaped, markup defused.

    A URL becomes an explicit `<url>` link, so it stays clickable with `verbatim` on and its
    underscores need no defusing. Pings are not silenced here: the caller silences a whole run
    of text at once, so that `@` and `here` from two spans cannot meet afterwards.
    """
    parts: list[str] = []
    text = clean(text)
    last = 0
    for match in _URL.finditer(text):
        link = f"<{entities(match.group())}>"
        if len(link) > LINK:
            continue  # shown as text: a link is never cut, so it must fit any piece of text
        parts += [_defuse(text[last : match.start()]), link]
        last = match.end()
    parts.append(_defuse(text[last:]))
    return "".join(parts)


def _defuse(text: str) -> str:
    return _QUOTE.sub(WJ, _MARKUP.sub(WJ, entities(text)))


def plain(text: str) -> str:
    """`mrkdwn` and silenced: for a text that stands alone."""
    return silence(mrkdwn(text))


def label(text: str) -> str:
    """Text for a plain_text surface (header, button): one line, shown exactly as typed.

    plain_text is never parsed for mentions; typed mention syntax is broken all the same, so
    that no string the renderer sends contains one.
    """
    flat = " ".join(clean(text).split())
    return _silence(_SYNTAX.sub("<" + WJ, flat))  # unescaped: every `<` here is the user's


def code_span(text: str) -> str:
    """Inline code. A backtick cannot be escaped inside it, so it becomes a look-alike."""
    body = silence(entities(clean(text))).replace("`", "\u02cb").replace("\n", " ")
    return f"`{body}`" if body.strip() else ""


def code_body(text: str) -> str:
    """The inside of a code block: a ``` in the text can no longer close the fence."""
    body = silence(entities(clean(text)))
    while FENCE in body:
        body = body.replace(FENCE, f"`{WJ}`{WJ}`")
    return body.strip("\n")


def fence(body: str) -> str:
    return f"{FENCE}\n{body}\n{FENCE}"


FENCE_OVERHEAD = len(fence(""))
