"""Discord's side of the HTTP interactions mode (an "Interactions Endpoint URL"): each
interaction is POSTed, signed with the application's Ed25519 key over timestamp + body, to the
bot's endpoint, and the HTTP response is the interaction's callback, held to the same rules as a
``POST …/callback`` (3 s, one per interaction, allowed types); follow-ups then reach the fake's
webhook routes with the interaction's token as usual.

The fake's bookkeeping (``interactions``, ``callbacks``) is shared with the gateway path, so the
same assertions work for both modes.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from nacl.signing import SigningKey

from .records import JSON, Callback, DiscordError, InteractionState
from .server import FakeDiscord


@dataclass
class Posted:
    """One request to the endpoint and what came back."""

    status: int
    body: Any  # the JSON answer, or the text of a non-JSON one
    interaction_id: str | None = None


class InteractionsEndpointClient:
    """Signs and sends interactions to a bot's endpoint URL, as Discord does."""

    def __init__(self, fake: FakeDiscord, url: str, key: SigningKey | None = None) -> None:
        self.fake, self.url = fake, url
        self.key = key or SigningKey.generate()

    @property
    def public_key(self) -> str:
        """What the developer portal shows as the application's Public Key (hex)."""
        return self.key.verify_key.encode().hex()

    def sign(self, body: bytes, timestamp: str | None = None) -> dict[str, str]:
        stamp = timestamp or str(int(time.time()))
        signature = self.key.sign(stamp.encode() + body).signature.hex()
        return {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": stamp}

    async def post(self, body: bytes, headers: dict[str, str]) -> Posted:
        """Send exactly these bytes and headers (for the refusals: bad signatures, replays)."""
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                self.url, data=body, headers={"Content-Type": "application/json", **headers}
            ) as response,
        ):
            text = await response.text()
            try:
                return Posted(response.status, json.loads(text))
            except ValueError:
                return Posted(response.status, text)

    async def ping(self) -> Posted:
        body = json.dumps({"type": 1, "id": self.fake.snowflake(), "token": "x"}).encode()
        return await self.post(body, self.sign(body))

    def register(self, payload: JSON) -> tuple[InteractionState, bytes]:
        """A new interaction (fresh id and token) in the fake's books; its body to send."""
        interaction_id, token = (
            self.fake.snowflake(),
            "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
        )
        full = {**payload, "id": interaction_id, "token": token}
        state = InteractionState(interaction_id, token, full, time.perf_counter())
        self.fake.interactions[interaction_id] = self.fake._by_token[token] = state
        return state, json.dumps(full).encode()

    async def deliver(self, payload: JSON) -> Callback:
        """POST a signed interaction and take the response as its callback: the fake records
        it like a gateway interaction's (``fake.callbacks``, ``wait_for_callback``)."""
        state, body = self.register(payload)
        state.answered.clear()
        try:
            posted = await self.post(body, self.sign(body))
            return self.accept(state, posted)
        finally:
            state.answered.set()

    def accept(self, state: InteractionState, posted: Posted) -> Callback:
        answer = posted.body if isinstance(posted.body, dict) else {}
        callback = Callback(state.id, answer, time.perf_counter() - state.dispatched_at)
        if posted.status != 200:
            callback.status, callback.response = posted.status, {"endpoint": posted.body}
            self.fake.callbacks.add(callback)
            return callback
        try:
            message = self.fake._accept_callback(state, callback, [])
        except DiscordError as error:  # too late, a wrong type, a bad body: as Discord would
            callback.status, callback.response = error.status, error.body()
            self.fake.callbacks.add(callback)
            return callback
        reply = self.fake._callback_response(state, callback.type, message)
        callback.status, callback.response = 200, reply
        callback.message = copy.deepcopy(message)
        self.fake.callbacks.add(callback)
        return callback
