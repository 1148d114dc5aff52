# ruff: noqa: ASYNC109  # the wait_* helpers take a timeout: it bounds every wait in the tests
"""The gateway v10 (JSON text frames): HELLO, IDENTIFY → READY + GUILD_CREATEs, heartbeats,
RESUME with the replay of missed events, op 7 RECONNECT on demand, member chunks. Events go to
the sessions holding their shard: ``(guild_id >> 22) % num_shards``, DMs to shard 0."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from .records import JSON, GatewayFrame, Journal
from .world import World

# Gateway opcodes.

# Gateway opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, REQUEST_MEMBERS = 0, 1, 2, 6, 7, 8
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session: Session | None = None

    async def send(self, frame: JSON) -> None:
        async with self.lock:
            if not self.ws.closed:
                await self.ws.send_str(json.dumps(frame))


@dataclass(eq=False)
class Session:
    id: str
    shard: tuple[int, int] | None
    connection: Connection | None
    seq: int = 0
    events: list[JSON] = field(default_factory=list)
    alive: bool = True  # False once the client closed it for good (close code 1000/1001)

    def holds(self, guild_id: str | None) -> bool:
        shard_id, count = self.shard or (0, 1)
        if guild_id is None:
            return shard_id == 0
        return (int(guild_id) >> 22) % count == shard_id


class Gateway(World):
    """The gateway endpoint and the sessions it holds, one per IDENTIFY."""

    heartbeat_interval_ms: int
    token: str
    frames: Journal[GatewayFrame]
    _sessions: dict[str, Session]
    _connections: set[Connection]
    resume_gateway_url: str

    async def dispatch(
        self, event: str, data: JSON, *, guild_id: str | None = None
    ) -> list[tuple[int, int]]:
        """Send an event to every live session holding its shard (one whose client is away
        keeps it for the replay after its RESUME); returns the shards of those it reached now."""
        sessions = [s for s in self._sessions.values() if s.alive and s.holds(guild_id)]
        if not sessions:
            raise RuntimeError(f"no gateway session holds the shard of guild {guild_id}")
        reached = [s.shard or (0, 1) for s in sessions if s.connection is not None]
        for session in sessions:
            await self._send_event(session, event, data)
        return reached

    def live_shards(self) -> list[tuple[int, int]]:
        """The shards of the sessions connected now, ``(shard_id, num_shards)`` (``(0, 1)`` for
        a client that identified without sharding), one entry per session."""
        return [
            s.shard or (0, 1)
            for s in self._sessions.values()
            if s.alive and s.connection is not None
        ]

    async def reconnect(self, shard_id: int | None = None) -> int:
        """Send op 7 RECONNECT to the connected sessions (of one shard); returns how many."""
        targets = [
            s
            for s in self._sessions.values()
            if s.connection and (shard_id is None or (s.shard or (0, 1))[0] == shard_id)
        ]
        for session in targets:
            assert session.connection is not None
            await session.connection.send({"op": RECONNECT, "d": None, "s": None, "t": None})
        return len(targets)

    async def wait_for_frame(
        self, predicate: Callable[[GatewayFrame], bool], timeout: float = 5.0
    ) -> GatewayFrame:
        return await self.frames.wait(predicate, timeout)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(ws)
        self._connections.add(connection)
        try:
            if request.query.get("v") != "10" or request.query.get("encoding", "json") != "json":
                await ws.close(code=4012, message=b"Invalid API version or encoding.")
                return ws
            await connection.send(
                {
                    "op": HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(connection, json.loads(msg.data))
        finally:
            self._connections.discard(connection)
            self._detach(connection, ws.close_code)
        return ws

    def _detach(self, connection: Connection, close_code: int | None) -> None:
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
            if close_code in (1000, 1001):
                session.alive = False

    async def _on_frame(self, connection: Connection, frame: JSON) -> None:
        op, d = frame.get("op"), frame.get("d") or {}
        session = connection.session
        session_id, shard = (session.id, session.shard) if session else (None, None)
        self.frames.add(GatewayFrame(int(op or 0), d, session_id, shard, time.perf_counter()))
        if op == HEARTBEAT:
            await connection.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(connection, d)
        elif op == RESUME:
            await self._resume(connection, d)
        elif session is None:
            await connection.ws.close(code=4003, message=b"Not authenticated.")
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(session, d)
        elif op not in (3, 4):  # presence and voice state updates are accepted and ignored
            await connection.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, connection: Connection, d: JSON) -> None:
        if connection.session is not None:
            await connection.ws.close(code=4005, message=b"Already authenticated.")
            return
        if d.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = (int(d["shard"][0]), int(d["shard"][1])) if d.get("shard") else None
        if shard is not None and not 0 <= shard[0] < shard[1]:
            await connection.ws.close(code=4010, message=b"Invalid shard.")
            return
        session = Session(secrets.token_hex(16), shard, connection)
        self._sessions[session.id] = session
        connection.session = session
        guilds = [g for g in self.guilds if session.holds(g.id)]
        ready: JSON = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": g.id, "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake-discord"],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await self._send_event(session, "READY", ready)
        for guild in guilds:
            await self._send_event(session, "GUILD_CREATE", self._guild_payload(guild))

    async def _resume(self, connection: Connection, d: JSON) -> None:
        session = self._sessions.get(str(d.get("session_id")))
        if session is None or not session.alive or d.get("token") != self.token:
            await connection.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        session.connection, connection.session = connection, session
        seq = int(d.get("seq") or 0)
        for event in [e for e in session.events if e["s"] > seq]:
            await connection.send(event)
        await self._send_event(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _members_chunk(self, session: Session, d: JSON) -> None:
        chunk = {
            "guild_id": str(d.get("guild_id")),
            "members": [self._member(self.bot_user)],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "nonce": d.get("nonce"),
        }
        await self._send_event(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_event(self, session: Session, event: str, data: JSON) -> None:
        """Number the event in the session; deliver it now or, while the client is away,
        keep it for the replay after its RESUME."""
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        if session.connection is not None:
            await session.connection.send(frame)
