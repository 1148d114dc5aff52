"""A soak of the job sweeper under `kill -9`: duplicates and losses, counted and printed.

    .venv/bin/python bench/delivery_soak.py [--quick] [--postgres]

Several node processes (each a real `Sweeper` on its own `SqliteStore` over one SQLite file, or
its own pool on one PostgreSQL schema with --postgres and RUNGS_TEST_POSTGRES_URL) deliver a
backlog of due jobs to a counting platform: an HTTP server in this process that takes each
post at once and answers it 50-300 ms later (a slow API, so kills land inside posts). Every
0.3-1.2 s a random node is killed with SIGKILL and a new one started. The lease is 1 s.

Two platforms, one run each: "slack-like" (no idempotency key: every post that arrives is a
message) and "discord-like" (a post with the nonce of one already made returns that message:
Discord's enforce_nonce). Printed per run: jobs, kills, posts, duplicates (jobs with more than
one message), losses (jobs done with no message, or never done). Targets: no loss on either; no
duplicate on the discord-like platform; on the slack-like one duplicates can only come from a
kill between the post and its record, so they are printed against the kills.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from benchkit import REPO, check, header, summary

from engine.ports import DrillNudge, NewJob, Target, UserKey
from engine.storage import open_store

LEASE_S = 1.0

# argv: database URL, node name, platform URL. Runs until killed.
NODE = r"""
import asyncio, sys
from datetime import timedelta
import aiohttp
from engine.ports import SystemClock
from engine.replies import Paragraph, Reply
from engine.scheduling import Delivery, Sweeper
from engine.storage import open_store

class Runner:
    def __init__(self, store):
        self.store = store
    async def run_job(self, job):
        reply = Reply((Paragraph.of("due"),))
        return [Delivery("bench", "W", "C", None, reply, job.key)]
    async def finish_job(self, job, node, now):
        return await self.store.finish_job(job.id, node, now)

async def main(url, node, platform):
    store = await open_store(url)
    async with aiohttp.ClientSession() as session:
        async def deliver(delivery):
            body = {"job": delivery.job_key, "key": delivery.post_key}
            async with session.post(platform, json=body) as answer:
                answer.raise_for_status()
                return str((await answer.json())["id"])
        sweeper = Sweeper(store, Runner(store), SystemClock(), "bench", node, deliver,
                          lease=timedelta(seconds=%LEASE%), poll_s=0.05)
        print("ready", flush=True)
        await sweeper.run(asyncio.Event())

asyncio.run(main(*sys.argv[1:]))
""".replace("%LEASE%", str(LEASE_S))


class Platform:
    """The counting platform: a message per post (per nonce when `idempotent`)."""

    def __init__(self, *, idempotent: bool, rng: random.Random) -> None:
        self.idempotent = idempotent
        self.rng = rng
        self.messages: list[str] = []  # the job key of each message made
        self.by_key: dict[str, int] = {}

    async def post(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        key = str(body["key"])
        if self.idempotent and key in self.by_key:
            message = self.by_key[key]
        else:
            self.messages.append(str(body["job"]))
            message = self.by_key[key] = len(self.messages)
        await asyncio.sleep(self.rng.uniform(0.05, 0.3))  # made, then answered late
        return web.json_response({"id": message})


@dataclass(frozen=True, slots=True)
class Outcome:
    jobs: int
    kills: int
    posts: int
    duplicates: int
    losses: int
    seconds: float


async def schedule(url: str, jobs: int) -> list[str]:
    store = await open_store(url)
    now = datetime.now(UTC)
    keys = [f"soak:{n:05}" for n in range(jobs)]
    for n, key in enumerate(keys):
        nudge = DrillNudge(n, UserKey("bench", "W", f"U{n}"))
        await store.schedule_job(NewJob(key, "bench", Target("W", "C"), nudge, now))
    await store.close()
    return keys


def start_node(url: str, platform: str, n: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", NODE, url, f"node-{n}", platform],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n", "a node did not start"
    return process


async def soak(url: str, jobs: int, nodes: int, *, idempotent: bool, seed: int) -> Outcome:
    rng = random.Random(seed)
    platform = Platform(idempotent=idempotent, rng=rng)
    app = web.Application()
    app.router.add_post("/post", platform.post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    address = f"http://127.0.0.1:{runner.addresses[0][1]}/post"
    keys = await schedule(url, jobs)
    store = await open_store(url)
    started = time.perf_counter()
    running = [await asyncio.to_thread(start_node, url, address, n) for n in range(nodes)]
    kills, made = 0, nodes
    try:
        while await store.count_due_jobs("bench", datetime.now(UTC)) > 0:
            assert time.perf_counter() - started < 600, "the soak did not finish in 10 minutes"
            await asyncio.sleep(rng.uniform(0.3, 1.2))
            victim = running.pop(rng.randrange(len(running)))
            victim.send_signal(signal.SIGKILL)
            await asyncio.to_thread(victim.wait)
            kills += 1
            running.append(await asyncio.to_thread(start_node, url, address, made))
            made += 1
        seconds = time.perf_counter() - started
    finally:
        for process in running:
            process.kill()
            process.wait()
        await store.close()
        await runner.cleanup()
    posted = Counter(platform.messages)
    return Outcome(
        jobs=jobs,
        kills=kills,
        posts=len(platform.messages),
        duplicates=sum(1 for key in keys if posted[key] > 1),
        losses=sum(1 for key in keys if posted[key] == 0),
        seconds=seconds,
    )


async def postgres_url() -> tuple[str, Any, str]:
    import asyncpg

    base = os.environ["RUNGS_TEST_POSTGRES_URL"]
    schema = f"rungs_soak_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}search_path={schema}", admin, schema


async def main() -> int:
    parser = argparse.ArgumentParser(description="kill -9 soak of the job sweeper")
    parser.add_argument("--quick", action="store_true", help="a shorter run")
    parser.add_argument("--postgres", action="store_true", help="on RUNGS_TEST_POSTGRES_URL")
    args = parser.parse_args()
    use_postgres = bool(args.postgres)
    header("delivery soak: kill -9 while posting", args.quick)
    jobs, nodes = (120, 3) if args.quick else (400, 3)
    failed = False
    for idempotent in (False, True):
        name = "discord-like (nonce)" if idempotent else "slack-like (no key)"
        with tempfile.TemporaryDirectory() as folder:
            admin: Any = None
            if use_postgres:
                url, admin, schema = await postgres_url()
            else:
                url = f"sqlite:///{Path(folder) / 'soak.db'}"
            try:
                outcome = await soak(url, jobs, nodes, idempotent=idempotent, seed=13)
            finally:
                if admin is not None:
                    await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                    await admin.close()
        print(
            f"{name:22} jobs {outcome.jobs}, nodes {nodes}, kills {outcome.kills}, "
            f"posts {outcome.posts}, duplicates {outcome.duplicates} "
            f"({outcome.duplicates / outcome.jobs:.1%}), losses {outcome.losses}, "
            f"{outcome.seconds:.1f} s"
        )
        check(f"{name}: jobs lost", str(outcome.losses), "0", outcome.losses == 0)
        if idempotent:
            check(f"{name}: duplicates", str(outcome.duplicates), "0", outcome.duplicates == 0)
        else:
            dup = f"{outcome.duplicates} of {outcome.kills} kills"
            check(f"{name}: duplicates", dup, "≤ kills", outcome.duplicates <= outcome.kills)
        failed |= outcome.losses > 0
    summary()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
