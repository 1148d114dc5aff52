"""The fault proxy itself, between a real client and a small echo server on loopback (and, when
RUNGS_TEST_POSTGRES_URL names one, in front of a real PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import urllib.parse
from collections.abc import AsyncIterator

import pytest
from fakes.tcp_proxy import TcpProxy


class Echo:
    """A target that echoes every byte and counts its connections and bytes."""

    def __init__(self) -> None:
        self.connections = 0
        self.received = bytearray()
        self.server: asyncio.Server | None = None

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while data := await reader.read(4096):
                self.received += data
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()


@pytest.fixture
async def echo() -> AsyncIterator[tuple[Echo, int]]:
    target = Echo()
    server = await asyncio.start_server(target.serve, "127.0.0.1", 0)
    async with server:
        yield target, int(server.sockets[0].getsockname()[1])


@pytest.fixture
async def proxy(echo: tuple[Echo, int]) -> AsyncIterator[TcpProxy]:
    async with TcpProxy("127.0.0.1", echo[1]) as running:
        yield running


async def connect(proxy: TcpProxy) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(*proxy.address)


async def roundtrip(proxy: TcpProxy, data: bytes) -> bytes:
    reader, writer = await connect(proxy)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.readexactly(len(data)), 10)
    finally:
        writer.close()


async def test_it_forwards_both_ways_and_passes_a_close(
    proxy: TcpProxy, echo: tuple[Echo, int]
) -> None:
    assert await roundtrip(proxy, b"hello") == b"hello"
    big = bytes(range(256)) * 2_000  # more than one read of either end
    assert await roundtrip(proxy, big) == big
    reader, writer = await connect(proxy)
    writer.write(b"bye")
    writer.write_eof()  # the echo server sees the end, answers, and closes
    assert await asyncio.wait_for(reader.read(), 10) == b"bye"
    writer.close()
    assert echo[0].connections == 3


async def test_a_pause_holds_bytes_and_delivers_them_in_order_after_restore(
    proxy: TcpProxy, echo: tuple[Echo, int]
) -> None:
    target, _ = echo
    reader, writer = await connect(proxy)
    writer.write(b"one ")
    await writer.drain()
    assert await asyncio.wait_for(reader.readexactly(4), 10) == b"one "
    proxy.pause()
    writer.write(b"two three")
    await writer.drain()
    await proxy.wait_for(lambda p: p.held > 0)  # the proxy holds them (or their first part)
    assert bytes(target.received) == b"one "  # nothing reached the target meanwhile
    late_reader, late_writer = await connect(proxy)  # a new connection waits as well
    await proxy.wait_for(lambda p: p.accepted == 2)
    assert proxy.upstream == 1
    await proxy.restore()
    assert await asyncio.wait_for(reader.readexactly(9), 10) == b"two three"
    late_writer.write(b"late")
    assert await asyncio.wait_for(late_reader.readexactly(4), 10) == b"late"
    assert proxy.held == 0
    writer.close()
    late_writer.close()


async def test_a_black_hole_eats_bytes_and_restore_resets_what_lost_any(
    proxy: TcpProxy, echo: tuple[Echo, int]
) -> None:
    target, _ = echo
    reader, writer = await connect(proxy)
    writer.write(b"ping")
    assert await asyncio.wait_for(reader.readexactly(4), 10) == b"ping"
    proxy.black_hole()
    writer.write(b"lost")
    new_reader, new_writer = await connect(proxy)
    new_writer.write(b"never")
    await proxy.wait_for(lambda p: p.dropped == 9)
    assert bytes(target.received) == b"ping"
    assert target.connections == 1  # the new connection never reached the target
    await proxy.restore()
    for dead in (reader, new_reader):
        with pytest.raises((ConnectionResetError, asyncio.IncompleteReadError)):
            await asyncio.wait_for(dead.readexactly(1), 10)
    writer.close()
    new_writer.close()
    assert await roundtrip(proxy, b"again") == b"again"  # fresh connections work again


async def test_refuse_stops_new_connections_and_restore_listens_again(proxy: TcpProxy) -> None:
    reader, writer = await connect(proxy)
    await proxy.refuse()
    with pytest.raises(ConnectionRefusedError):
        await connect(proxy)
    writer.write(b"still")  # an open connection carries on
    assert await asyncio.wait_for(reader.readexactly(5), 10) == b"still"
    await proxy.restore()
    assert await roundtrip(proxy, b"back") == b"back"  # on the same port
    writer.close()


async def test_reset_kills_open_connections_at_once(proxy: TcpProxy) -> None:
    reader, writer = await connect(proxy)
    writer.write(b"x")
    assert await asyncio.wait_for(reader.readexactly(1), 10) == b"x"
    proxy.reset()
    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(reader.readexactly(1), 10)
    writer.close()
    assert await roundtrip(proxy, b"y") == b"y"


async def test_postgres_through_the_proxy_stalls_while_paused() -> None:
    """What the partition test of phase 2 builds on: a query through a paused proxy times out
    on the client's own deadline; after restore a new connection answers."""
    url = os.environ.get("RUNGS_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(
            "RUNGS_TEST_POSTGRES_URL is not set: no PostgreSQL to put the proxy in front of"
        )
    asyncpg = pytest.importorskip("asyncpg")
    parts = urllib.parse.urlsplit(url)
    async with TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as pg_proxy:
        proxied = parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{pg_proxy.port}")
        connection = await asyncpg.connect(urllib.parse.urlunsplit(proxied))
        try:
            assert await connection.fetchval("SELECT 1") == 1
            pg_proxy.pause()
            with pytest.raises(TimeoutError):
                await connection.fetchval("SELECT 2", timeout=0.5)
            await pg_proxy.restore()
        finally:
            connection.terminate()
        again = await asyncpg.connect(urllib.parse.urlunsplit(proxied))
        try:
            assert await again.fetchval("SELECT 3") == 3
        finally:
            await again.close()
