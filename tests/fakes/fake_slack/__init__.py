"""A small, faithful local fake of Slack for end-to-end tests of the real slack-bolt AsyncApp.

One aiohttp server on 127.0.0.1:0 serves the Web API (``/api/<method>``), response_urls
(``/commands/<team>/<number>/<key>``) and Socket Mode (``/link``); the same object builds and
signs the requests Slack sends to an app. See shared/reference/platforms.md, sections 1, 3 and
4 (Slack).

Modules: ``server`` (FakeSlack), ``web_api`` (HTTP: bodies, tokens, 429s, recording),
``messages`` (chat.* and response_urls), ``views`` (modals, App Home, trigger_ids),
``socket_mode`` (websocket, envelopes, acks), ``payloads`` (what Slack sends, signing),
``limits`` (Block Kit limits), ``records`` (recorded calls, waiting on them), ``base``.
"""

from .payloads import Outgoing, Workspace, signature_headers
from .records import RESPONSE_URL, Call
from .server import CHANNEL_ID, CHANNEL_NAME, USER_ID, USER_NAME, FakeSlack
from .socket_mode import Ack

__all__ = [
    "CHANNEL_ID",
    "CHANNEL_NAME",
    "RESPONSE_URL",
    "USER_ID",
    "USER_NAME",
    "Ack",
    "Call",
    "FakeSlack",
    "Outgoing",
    "Workspace",
    "signature_headers",
]
