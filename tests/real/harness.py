"""Real HAProxy and nginx on loopback, in front of small asyncio backends that record who got
each request: the ground truth the balancer models are compared with.

Every process started here is stopped by its own pid when the test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def have(binary: str) -> bool:
    return os.access(binary, os.X_OK)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Backend:
    """One app server: answers `200 <name>` after `delay_s`, and records every request."""

    name: str
    port: int = 0
    delay_s: float = 0.0
    served: list[str] = field(default_factory=list)
    in_flight: int = 0
    server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 2)
            self.server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        path = head.split(b" ", 2)[1].decode()
        if path != "/health":
            self.served.append(path)
            self.in_flight += 1
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            self.in_flight -= 1
        body = self.name.encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n"
            b"X-Backend: %s\r\n\r\n%s" % (len(body), body, body)
        )
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()


class DeadHost:
    """A port whose SYNs go unanswered, as a dead host's would: a listening socket with a full
    accept queue (backlog 0, filled and never accepted) makes Linux drop new SYNs. Give it the
    port of a backend just stopped to make that backend's host "die"."""

    def __init__(self, port: int = 0) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", port))
        self._listener.listen(0)
        self.port = int(self._listener.getsockname()[1])
        self._fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", self.port))
            self._fillers.append(filler)
        time.sleep(0.05)

    def close(self) -> None:
        for s in (*self._fillers, self._listener):
            s.close()


def refusing_port() -> int:
    """A port nothing listens on: connections are refused at once."""
    return free_port()


@dataclass
class Proxy:
    port: int
    process: subprocess.Popen[bytes]
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log(self) -> str:
        path = self.folder / "stderr.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _wait_listening(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"{what} did not listen on {port}")


@contextlib.contextmanager
def haproxy(
    folder: Path, backend_lines: str, servers: list[int], server_opts: str = ""
) -> Iterator[Proxy]:
    """HAProxy 2.6 in the foreground, one thread, a frontend on a free port."""
    port = free_port()
    lines = "\n".join(
        f"    server s{i} 127.0.0.1:{p} {server_opts}".rstrip() for i, p in enumerate(servers)
    )
    config = f"""global
    nbthread 1
    stats socket {folder}/admin.sock mode 600 level admin
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
{backend_lines}
{lines}
"""
    cfg = folder / "haproxy.cfg"
    cfg.write_text(config)
    err = (folder / "stderr.log").open("wb")
    process = subprocess.Popen([HAPROXY, "-f", str(cfg), "-db"], stdout=err, stderr=err)
    proxy = Proxy(port, process, folder)
    try:
        _wait_listening(port, process, "haproxy")
        yield proxy
    finally:
        proxy.stop()
        err.close()


def haproxy_states(proxy: Proxy) -> dict[str, str]:
    """Each server's status as HAProxy sees it (UP, DOWN, "UP 1/3" …), from its stats socket."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(2)
        s.connect(str(proxy.folder / "admin.sock"))
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    states = {}
    for line in data.decode().splitlines():
        fields = line.split(",")
        if len(fields) > 17 and fields[0] == "be" and fields[1] not in ("BACKEND", "FRONTEND"):
            states[fields[1]] = fields[17]
    return states


async def wait_until_down(proxy: Proxy, server: str, limit_s: float = 10) -> float:
    """Poll the stats socket until HAProxy marks `server` DOWN; the monotonic time it was seen."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if haproxy_states(proxy).get(server, "").startswith("DOWN"):
            return time.monotonic()
        await asyncio.sleep(0.01)
    raise AssertionError(f"{server} was not marked DOWN within {limit_s} s")


@contextlib.contextmanager
def nginx(
    folder: Path, upstream_lines: str, servers: list[str], proxy_lines: str = ""
) -> Iterator[Proxy]:
    """nginx 1.22, one process in the foreground, its files in `folder`."""
    port = free_port()
    ups = "\n".join(f"        server {s};" for s in servers)
    config = f"""daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream be {{
{upstream_lines}
{ups}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://be;
{proxy_lines}
        }}
    }}
}}
"""
    cfg = folder / "nginx.conf"
    cfg.write_text(config)
    err = (folder / "stderr.log").open("wb")
    process = subprocess.Popen(
        [NGINX, "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(cfg)],
        stdout=err,
        stderr=err,
    )
    proxy = Proxy(port, process, folder)
    try:
        _wait_listening(port, process, "nginx")
        yield proxy
    finally:
        proxy.stop()
        err.close()


@dataclass(frozen=True)
class Answer:
    status: int
    backend: str  # '' when no backend answered
    seconds: float  # from sending to the end of the reply
    started: float = 0.0  # time.monotonic() when it was sent


async def get(port: int, path: str, method: str = "GET", headers: str = "") -> Answer:
    """One request through the proxy, on a fresh connection (`headers`: extra lines, each
    ending in CRLF)."""
    start = time.monotonic()
    async with asyncio.timeout(30):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(
                f"{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                f"{headers}Content-Length: 0\r\n\r\n".encode()
            )
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
    status = int(data.split(b" ", 2)[1])
    backend = ""
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"x-backend:"):
            backend = line.split(b":", 1)[1].strip().decode()
    return Answer(status, backend, time.monotonic() - start, start)


async def fire(port: int, schedule: list[tuple[float, str]]) -> list[Answer]:
    """Send each (offset in seconds, path) at its moment, without waiting for earlier answers,
    as the simulation's requests arrive; the answers come back in the schedule's order."""
    start = time.monotonic()
    tasks = []
    for offset, path in schedule:
        await asyncio.sleep(max(0.0, start + offset - time.monotonic()))
        tasks.append(asyncio.create_task(get(port, path)))
    return list(await asyncio.gather(*tasks))


@contextlib.asynccontextmanager
async def backends(*specs: tuple[str, float]) -> AsyncIterator[list[Backend]]:
    started = [Backend(name, delay_s=delay) for name, delay in specs]
    for backend in started:
        await backend.start()
    try:
        yield started
    finally:
        for backend in started:
            await backend.stop()
