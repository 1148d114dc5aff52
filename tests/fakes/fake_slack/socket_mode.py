# ruff: noqa: ASYNC109  # the wait helpers take a timeout on purpose: it bounds every wait
"""Socket Mode: the ``/link`` websocket that slack_sdk's aiohttp SocketModeClient connects to.

The client gets the URL from ``apps.connections.open`` (one ticket per URL), the fake greets it
with ``hello``, pushes envelopes and collects the acks ``{"envelope_id", "payload"?}``. Slack
delivers each envelope to one open connection (platforms.md, section 3); the fake takes them in
turn, so tests stay deterministic.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from .payloads import EnvelopeType, Workspace

JSON = dict[str, Any]
# Slack lets the app answer in the ack only where a response makes sense.
RESPONSE_PAYLOAD_TYPES = frozenset({"view_submission", "block_suggestion"})


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: JSON | None  # what Bolt put in ack(...): {"text": …}, {"response_action": …}
    elapsed: float  # seconds from push to ack


class SocketMode:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.base_url = ""  # ws://127.0.0.1:PORT, set when the server starts
        self.connections: list[web.WebSocketResponse] = []
        self.opened = 0  # connections accepted since start
        self.envelopes: dict[str, JSON] = {}
        self.acks: dict[str, Ack] = {}
        self.stray: list[JSON] = []  # frames that acked nothing pending (double acks, junk)
        self._tickets: set[str] = set()
        self._pending: dict[str, tuple[float, asyncio.Future[Ack]]] = {}
        self._changed = asyncio.Condition()
        self._turn = 0

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/link", self.handle), web.get("/link/", self.handle)]

    def issue_url(self) -> str:
        """What ``apps.connections.open`` returns: a one-time URL, as Slack's are."""
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return f"{self.base_url}/link/?ticket={ticket}&app_id={self.ws.api_app_id}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)
        socket = web.WebSocketResponse()  # autoping answers slack_sdk's ping frames
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self.connections) + 1,
                "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.ws.api_app_id},
            }
        )
        self.connections.append(socket)
        self.opened += 1
        await self._notify()
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self._on_text(message.data)
        finally:
            self.connections.remove(socket)
            await self._notify()
        return socket

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            message = {"raw": data}
        pending = self._pending.pop(str(message.get("envelope_id")), None)
        if pending is None:
            self.stray.append(message)
            return
        started, future = pending
        ack = Ack(message["envelope_id"], message.get("payload"), time.monotonic() - started)
        self.acks[ack.envelope_id] = ack
        future.set_result(ack)

    async def wait_connected(self, *, nth: int = 1, timeout: float = 2.0) -> None:
        """Until the ``nth`` connection since start has opened and one is open."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: self.opened >= nth and bool(self.connections))
        except TimeoutError:
            raise AssertionError(f"no Socket Mode connection #{nth} within {timeout} s") from None

    async def push(
        self,
        envelope_type: EnvelopeType,
        payload: JSON,
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Send an envelope to the next open connection; returns its ``envelope_id``."""
        open_now = [c for c in self.connections if not c.closed]
        if not open_now:
            raise AssertionError("no Socket Mode connection is open")
        socket = open_now[self._turn % len(open_now)]
        self._turn += 1
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands" or (
                payload.get("type") in RESPONSE_PAYLOAD_TYPES
            )
        envelope: JSON = {
            "envelope_id": str(uuid.uuid4()),
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        future: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._pending[envelope["envelope_id"]] = (time.monotonic(), future)
        self.envelopes[envelope["envelope_id"]] = envelope
        await socket.send_json(envelope)
        return str(envelope["envelope_id"])

    async def wait_ack(self, envelope_id: str, *, timeout: float = 2.0) -> Ack:
        if envelope_id in self.acks:
            return self.acks[envelope_id]
        if envelope_id not in self._pending:
            raise AssertionError(f"envelope {envelope_id} was never pushed")
        try:
            async with asyncio.timeout(timeout):
                # shield: a timed-out wait must not cancel the ack for a later wait
                return await asyncio.shield(self._pending[envelope_id][1])
        except TimeoutError:
            raise AssertionError(f"no ack for envelope {envelope_id} within {timeout} s") from None

    async def request_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every client to reconnect, as Slack does before it rotates its servers."""
        for socket in list(self.connections):
            await socket.send_json(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-slack"}}
            )

    async def close(self) -> None:
        for socket in list(self.connections):
            await socket.close(code=WSCloseCode.GOING_AWAY)
