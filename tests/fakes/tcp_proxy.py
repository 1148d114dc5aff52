# ruff: noqa: ASYNC109  # the wait_* helpers take a timeout: it bounds every wait in the tests
"""A TCP proxy for fault tests: it forwards a local port to a target (PostgreSQL, a fake
platform) and, on command, stops doing so the ways a network fails.

* ``pause()``: a partition that TCP rides out. Nothing moves either way; bytes already sent
  wait in the proxy (and then in the kernels' buffers) and arrive, in order, after
  ``restore()``, as retransmission would deliver them. New connections are accepted and wait too.
* ``black_hole()``: a partition that eats everything. Bytes are read and dropped; new
  connections are accepted and never reach the target (the handshake of a real black hole would
  hang; here the client's first request does). ``restore()`` then resets every connection that
  lost bytes, since a stream with a hole in it is no longer TCP.
* ``refuse()``: nothing listens any more, so new connections are refused (ECONNREFUSED);
  connections already open carry on. ``restore()`` listens again on the same port.
* ``reset()``: every open connection is reset now (RST to both ends), as by a firewall or a
  crashed middlebox; the mode does not change.

Counters (``accepted``, ``upstream``, ``held``, ``dropped``) and ``wait_for`` let a test wait on
what the proxy saw rather than sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Self

Mode = Literal["forward", "pause", "black_hole", "refuse"]
CHUNK = 65_536


@dataclass(eq=False)
class _Link:
    """One client connection and, unless it was black-holed from the start, its upstream."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    lost_bytes: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, *, host: str = "127.0.0.1") -> None:
        self.target_host, self.target_port, self.host = target_host, target_port, host
        self.port = 0
        self.mode: Mode = "forward"
        self.accepted = 0  # client connections accepted
        self.upstream = 0  # connections opened to the target
        self.held = 0  # bytes waiting in the proxy while paused, right now
        self.dropped = 0  # bytes thrown away by the black hole
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._changed = asyncio.Condition()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> Self:
        await self._listen()
        return self

    async def close(self) -> None:
        await self._stop_listening()
        for link in list(self._links):
            self._abort(link)
        tasks = [task for link in list(self._links) for task in link.tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    # -- faults ------------------------------------------------------------------------------

    def pause(self) -> None:
        self.mode = "pause"
        self._flowing.clear()

    def black_hole(self) -> None:
        self.mode = "black_hole"
        self._flowing.set()  # held bytes go on into the hole

    async def refuse(self) -> None:
        self.mode = "refuse"
        await self._stop_listening()

    def reset(self) -> None:
        for link in list(self._links):
            self._abort(link)

    async def restore(self) -> None:
        was, self.mode = self.mode, "forward"
        if was == "refuse":
            await self._listen()
        for link in list(self._links):
            if link.lost_bytes:
                self._abort(link)
        self._flowing.set()

    async def wait_for(self, condition: Callable[[TcpProxy], bool], timeout: float = 10.0) -> None:
        """Until `condition(proxy)` holds (checked whenever a counter changes)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self)), timeout)

    # -- the forwarding ----------------------------------------------------------------------

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = _Link(writer)
        self._links.add(link)
        await self._count("accepted", 1)
        try:
            await self._flowing.wait()  # a connection made during a pause waits for the restore
            if self.mode == "black_hole":
                link.lost_bytes = True
                await self._pump(reader, None, link)
                return
            try:
                upstream_reader, link.upstream = await asyncio.open_connection(
                    self.target_host, self.target_port
                )
            except OSError:
                return  # the target is down: the client sees its connection reset
            await self._count("upstream", 1)
            back = asyncio.ensure_future(self._pump(upstream_reader, writer, link))
            link.tasks.append(back)
            await self._pump(reader, link.upstream, link)
            await back
        finally:
            for end in (link.client, link.upstream):
                if end is not None and not end.is_closing():
                    end.close()  # both directions are done: a plain close
            self._links.discard(link)

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None, link: _Link
    ) -> None:
        """Copy one direction until its end closes, through whatever the mode is."""
        try:
            while data := await reader.read(CHUNK):
                if not self._flowing.is_set():
                    await self._count("held", len(data))
                    await self._flowing.wait()
                    await self._count("held", -len(data))
                if self.mode == "black_hole" or writer is None:
                    link.lost_bytes = True
                    await self._count("dropped", len(data))
                    continue
                writer.write(data)
                await writer.drain()
            if writer is not None and not writer.is_closing() and writer.can_write_eof():
                writer.write_eof()  # a half-close passes through, as it would on the wire
        except (ConnectionError, OSError):
            self._abort(link)  # one end went away: so does the other, as it would through NAT

    async def _count(self, counter: str, change: int) -> None:
        async with self._changed:
            setattr(self, counter, getattr(self, counter) + change)
            self._changed.notify_all()

    def _abort(self, link: _Link) -> None:
        for writer in (link.client, link.upstream):
            if writer is None or writer.is_closing():
                continue
            sock = writer.get_extra_info("socket")
            if sock is not None:  # linger 0: close() sends RST instead of FIN
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
