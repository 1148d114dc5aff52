"""Posting replies to a request's `response_url` over one keep-alive HTTP session.

Bolt's `respond()` builds a new client, session and connection for every reply: a third of the
app's CPU per command in the benchmark (bench/slack_commands.py), and a TLS handshake per reply
against the real Slack. This sender keeps one session for the process."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.webhook.async_client import AsyncWebhookClient

RATE_LIMIT_RETRIES = 3


class ResponseRefusedError(Exception):
    """Slack refused a response_url post (used up, expired, or a bad message)."""


class ResponseSender:
    def __init__(self) -> None:
        self._session: ClientSession | None = None
        self._retries: list[AsyncRetryHandler] = [
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
        ]

    async def send(self, response_url: str, body: dict[str, Any]) -> None:
        if self._session is None or self._session.closed:
            self._session = ClientSession()  # created lazily: it needs the running loop
        client = AsyncWebhookClient(
            url=response_url, session=self._session, retry_handlers=self._retries
        )
        sent = await client.send_dict(body)
        # A refused post comes back as a status, not an exception: raise so that the caller's
        # net logs it with a reference.
        if sent.status_code != 200:
            raise ResponseRefusedError(f"Slack refused the response_url post: {sent.status_code}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
