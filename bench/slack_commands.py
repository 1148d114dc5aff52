"""Signed `/trace` slash commands over loopback: `rungs slack --http` beside a bare Bolt app.

    .venv/bin/python bench/slack_commands.py [--quick] [--profile]

Three kinds of process, all on this machine's cores, each with its own interpreter and GIL:

- the servers, started once and kept running (each idles while the other is measured):
  Rungs is the documented command `rungs slack --http --host 127.0.0.1 --port P` (SQLite file
  in a temp dir, `SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`, `RUNGS_SLACK_API_URL` at the fake,
  `RUNGS_DATABASE_URL`), waited on through its `/healthz`; the floor is this file run as
  `python bench/slack_commands.py --serve-floor P` with the same interpreter and environment:
  a bare slack_bolt `AsyncApp` (same signing secret, an `AsyncWebClient` with the same token
  and base_url) served by `app.web_app()` on aiohttp at 127.0.0.1, whose one listener,
  `/trace`, does `await ack()` then `await respond("ok")`: what Bolt, aiohttp and the
  response_url hop cost;
- the fake Slack of the end-to-end tests (tests/fakes/fake_slack), in a child process of its
  own (multiprocessing, spawn) so that absorbing every response_url POST takes neither the
  servers' nor the load generator's GIL. Before each run it builds that run's slash commands
  with its own `slash_command()` (a fresh response_url and trigger_id each), so that building
  them is not part of the run; afterwards it reports when each response reached it (`Call.at`,
  its own `time.monotonic()` when the POST came in) and forgets the run (calls, messages,
  response_urls);
- the load generator (this process): 20 workers on one aiohttp session, a closed loop: each
  signs (HMAC-SHA256, the fake's own `signature_headers`, timestamp taken at sending) and POSTs
  the next slash command `/trace GET /u/<k>` to /slack/events as soon as its previous ack (the
  HTTP answer) arrived. Keys uniform over 500, 40 users spread over 10 channels, from a fixed
  seed per repetition: both servers get the same commands.

Each run sends for warm-up + measured seconds, then waits for the acks in flight and for every
response (up to 10 s; any missing are counted and printed). Acks return before the response is
posted (Bolt's runner polls for `ack()` every 10 ms while the listener goes on), so a command
counts as COMPLETED when its ack arrived AND its response_url POST reached the fake, at the later
of the two. Per run, over the measured window: acks/s and completed commands/s (the headline),
p50/p99 time to the ack (send -> HTTP answer, this process's clock) and from sending to the
response's arrival at the fake (the fake's clock; CLOCK_MONOTONIC is the same clock in every
process on Linux), for the commands sent in the window; how long the responses took to drain
after the last send; the CPU each process took: the servers' per command (/proc/<pid>/stat,
all threads, and /proc/<pid>/task/<pid>/stat, the event loop's), and each process's share of
one core. Every ack must be 200 and every response a 200 with the expected text (`ok`, or the
trace's `Trace #n: GET /u/<k>` fallback), or the run is invalid.

At 20 in flight a server is CPU-bound, so its rate is the share of a core it gets divided by
its CPU per command; on a machine busy with other work that share moves from run to run. The
ratio of CPU per command (Rungs / floor) is therefore printed beside the headline: its inverse
is the throughput ratio the two would have, each with a core to itself.

One untimed run of each server first (fills the database, warms the code), then 3 repetitions
(1 in --quick), each running both servers in alternating order; headline figures are medians.
`--profile` then adds one run of each server under cProfile (a fresh server, started through
this file: `bot.cli.main` as the `rungs` script runs it, or the floor; the profiler is switched
on and off by SIGUSR1/SIGUSR2 around the run, so start-up stays out) and prints where the
event loop's thread spends its CPU (the profiler's clock is `time.thread_time`, so time spent
descheduled counts for nothing; the profiler's own overhead does inflate every entry).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import re
import signal
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from random import Random
from typing import Any

import aiohttp
import fakeproc
from benchkit import check, fail, header, info, ms, percentile, rungs_executable
from benchkit import summary as print_summary
from fake_slack import FakeSlack, signature_headers
from fake_slack.payloads import FORM
from fake_slack.server import SLACKBOT_UA
from fakeproc import FakeProcess, Plan, at_ms, med, print_profile, profiled_seconds

WORKERS = 20
KEYS = 500
CHANNELS = 10
USERS = 40  # user u studies in channel u % CHANNELS
SEED = 20_261_215
TARGET_RATIO = 0.7  # completed commands/s, Rungs / floor
SLACK_ACK_LIMIT_S = 3.0
TARGET_ACK_P99_S = SLACK_ACK_LIMIT_S / 10  # "well under" Slack's 3 s: a tenth of it
DRAIN_S = 10.0  # how long to wait for the last responses after the last ack
FIRST_RATE_GUESS = 1_500.0  # commands/s, to size the first run's batch of prepared commands
BATCH_MARGIN = 2.0  # a run's batch: this x the fastest rate seen so far x its duration (+500)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CPU_BOUND_SHARE = 0.8  # a server taking less of a core than this was not CPU-bound


FULL = Plan(reps=3, prime_s=2.0, warmup_s=2.0, measure_s=6.0)
QUICK = Plan(reps=1, prime_s=1.0, warmup_s=1.0, measure_s=3.0)


# -- the floor's process ---------------------------------------------------------------------


def serve_floor(port: int) -> None:
    """A bare Bolt app: one listener that acks and responds with a fixed text."""
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["RUNGS_SLACK_API_URL"]
    )
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.command("/trace")
    async def only_ok(ack: Any, respond: Any) -> None:
        await ack()
        await respond("ok")

    async def healthy(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = app.web_app(path=EVENTS_PATH)
    web_app.router.add_get(HEALTH_PATH, healthy)
    web.run_app(web_app, host="127.0.0.1", port=port, access_log=None, print=None)


# -- the fake's process ----------------------------------------------------------------------


def fake_process(conn: Connection) -> None:
    """The child: the fake Slack, driven by commands over `conn`."""
    fakeproc.serve(conn, fake_slack)


@asynccontextmanager
async def fake_slack() -> AsyncIterator[tuple[dict[str, str], fakeproc.Handler]]:
    async with FakeSlack() as fake:
        run = FakeRun(fake)

        async def handle(command: dict[str, Any]) -> Any:
            op = command.pop("op")
            return run.issue(**command) if op == "issue" else await run.collect(**command)

        facts = {"api_url": fake.api_url, "token": fake.bot_token, "secret": fake.signing_secret}
        yield facts, handle


class FakeRun:
    """The fake's side of one run: build its commands, then report and forget its responses."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.cpu0 = self.wall0 = 0.0

    def issue(self, people: list[tuple[int, int]]) -> list[tuple[str, str]]:
        """(body, response_url key) of `/trace GET /u/<key>` for each (user, key)."""
        issued = []
        for user, key in people:
            channel = user % CHANNELS
            outgoing = self.fake.slash_command(
                "/trace",
                f"GET /u/{key}",
                user_id=f"U0LRN{user:04d}",
                user_name=f"learner{user}",
                channel_id=f"C0STUDY{channel:02d}",
                channel_name=f"study-{channel}",
            )
            issued.append((outgoing.body, outgoing.response_url.rsplit("/", 1)[1]))
        # What the run keeps (the issued response_urls, trigger_ids) out of the collector's
        # sight, so its full collections do not stall the fake mid-run.
        gc.collect()
        gc.freeze()
        self.cpu0, self.wall0 = time.process_time(), time.monotonic()
        return issued

    async def collect(self, keys: list[str], drain_s: float) -> dict[str, Any]:
        """When each response reached the fake (waiting up to `drain_s` for the last), its
        status and the first line of its text; then forget the run."""
        wanted = set(keys)
        arrived: dict[str, tuple[float, int, str]] = {}
        duplicates = strays = 0
        seen = 0
        deadline = time.monotonic() + drain_s
        while True:
            calls = self.fake.calls
            for call in calls[seen:]:
                if call.method != "response_url":
                    continue
                if call.key not in wanted:
                    strays += 1
                elif call.key in arrived:
                    duplicates += 1
                else:
                    first_line = str(call.body.get("text", "")).split("\n", 1)[0][:120]
                    arrived[call.key] = (call.at, call.status, first_line)
            seen = len(calls)
            if len(arrived) == len(wanted) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.02)
        last = max((at for at, _, _ in arrived.values()), default=self.wall0)
        cpu = time.process_time() - self.cpu0
        self.forget()
        return {
            "arrived": arrived,
            "duplicates": duplicates,
            "strays": strays,
            "cpu_share": cpu / max(last - self.wall0, 1e-9),
        }

    def forget(self) -> None:
        self.fake.recorder.calls.clear()
        self.fake.api.chat.messages.clear()
        self.fake.api.chat.response_urls.clear()
        self.fake.api.views.triggers.clear()
        gc.unfreeze()
        gc.collect()


# -- the servers -----------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    expect: str  # "ok" (the floor) or "trace"
    process: asyncio.subprocess.Process
    url: str
    log: Path
    profile: Path | None = None  # where it writes its cProfile stats on SIGUSR2

    def cpu_s(self) -> tuple[float, float]:
        """CPU seconds (user + system) of the server so far: its whole process (every thread,
        those gone included) and its main thread (the event loop)."""
        pid = self.process.pid
        return cpu_of(f"/proc/{pid}/stat"), cpu_of(f"/proc/{pid}/task/{pid}/stat")


def cpu_of(stat_file: str) -> float:
    fields = Path(stat_file).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_server(
    name: str, expect: str, argv: list[str], env: dict[str, str], port: int, log: Path
) -> Server:
    with log.open("wb") as sink:  # the child keeps its own descriptor
        process = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=sink, stderr=sink, stdin=asyncio.subprocess.DEVNULL
        )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        deadline = time.monotonic() + 30.0
        while time.monotonic() < deadline:
            if process.returncode is not None:
                fail(f"{name} exited at start-up: {tail(log)}")
            try:
                async with session.get(base + HEALTH_PATH) as answer:
                    if answer.status == 200:
                        return Server(name, expect, process, base + EVENTS_PATH, log)
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    process.kill()
    fail(f"{name} did not answer {HEALTH_PATH} within 30 s")
    raise AssertionError  # unreachable: fail() exits


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-800:]


async def stop_server(server: Server) -> None:
    if server.process.returncode is None:
        server.process.terminate()
        try:
            await asyncio.wait_for(server.process.wait(), 20)
        except TimeoutError:
            server.process.kill()
            await server.process.wait()


def server_env(fake: dict[str, str], db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RUNGS_"))}
    return env | {
        "SLACK_BOT_TOKEN": fake["token"],
        "SLACK_SIGNING_SECRET": fake["secret"],
        "RUNGS_SLACK_API_URL": fake["api_url"],
        "RUNGS_DATABASE_URL": f"sqlite:///{db}",
    }


def rungs_argv(port: int, profile_to: Path | None = None) -> list[str]:
    args = ["slack", "--http", "--host", "127.0.0.1", "--port", str(port)]
    if profile_to is None:
        return [str(rungs_executable()), *args]
    here = str(Path(__file__).resolve())
    return [sys.executable, here, "--profile-to", str(profile_to), "--serve-rungs", *args]


def floor_argv(port: int, profile_to: Path | None = None) -> list[str]:
    profiled = [] if profile_to is None else ["--profile-to", str(profile_to)]
    return [sys.executable, str(Path(__file__).resolve()), *profiled, "--serve-floor", str(port)]


def profile_on_signals(stats: str) -> None:
    """Profile this process's main thread (the event loop) between SIGUSR1 and SIGUSR2, on
    its CPU clock; the second signal also writes the stats to `stats`. Start-up stays out."""
    import cProfile

    # The main thread's CPU clock: time spent descheduled (a busy machine) or in another
    # thread (aiosqlite's) is charged to nothing.
    profiler = cProfile.Profile(time.thread_time)

    def begin(*_: object) -> None:
        profiler.enable()

    def end(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(stats)

    signal.signal(signal.SIGUSR1, begin)
    signal.signal(signal.SIGUSR2, end)


def serve_rungs(args: list[str]) -> int:
    """`rungs <args>` as the `rungs` script runs it (`bot.cli.main`), for a profiled run."""
    from bot.cli import main as rungs_main

    return rungs_main(args)


# -- the load --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    key: str  # the response_url key
    sent: float  # time.monotonic()
    acked: float
    status: int


@dataclass(frozen=True, slots=True)
class Run:
    """One run of one server, over its measured window; times in seconds."""

    acks_per_s: float
    done_per_s: float  # completed: ack arrived and response reached the fake
    ack_p50: float
    ack_p99: float
    ack_max: float
    resp_p50: float  # send -> the response_url POST at the fake
    resp_p99: float
    sent: int  # the whole run, warm-up included
    missing: int  # responses that never arrived (within DRAIN_S)
    drain: float  # last send -> last response at the fake
    server_cpu: float  # CPU seconds of the server per command sent
    server_loop_cpu: float  # of which in its main thread (the event loop)
    server_share: float  # of one core, over the run
    fake_share: float
    client_share: float


class Prepared:
    """The run's commands, built by the fake, handed out in order to whichever worker asks."""

    def __init__(self, issued: list[tuple[str, str]], expected: dict[str, str]) -> None:
        self.items = [(body.encode(), body, key) for body, key in issued]
        self.expected = expected  # key -> the text a trace must mention
        self.next = 0

    def take(self) -> tuple[bytes, str, str] | None:
        if self.next >= len(self.items):
            return None
        item = self.items[self.next]
        self.next += 1
        return item


async def drive(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    prepared: Prepared,
    stop_at: float,
    sign: Callable[[str, int, str], dict[str, str]],
    fixed_headers: dict[str, str],
) -> tuple[list[Sent], bool]:
    """The closed loop: WORKERS workers, each sending its next command when its ack arrived,
    until `stop_at`. Returns what was sent, and whether the prepared commands ran out."""
    done: list[Sent] = []
    ran_out = False

    async def worker() -> None:
        nonlocal ran_out
        while time.monotonic() < stop_at:
            item = prepared.take()
            if item is None:
                ran_out = True
                return
            data, body, key = item
            headers = fixed_headers | sign(secret, int(time.time()), body)
            sent = time.monotonic()
            async with session.post(url, data=data, headers=headers) as answer:
                await answer.read()
            done.append(Sent(key, sent, time.monotonic(), answer.status))

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return done, ran_out


class Bench:
    """The parent's side of every run: prepare the commands, drive, collect, tally."""

    def __init__(self, link: FakeProcess, fake: dict[str, str]) -> None:
        self.link = link
        self.secret = fake["secret"]
        self.sign: Callable[[str, int, str], dict[str, str]] = signature_headers
        self.fixed_headers = {"Content-Type": FORM, "User-Agent": SLACKBOT_UA}
        self.fastest: float | None = None  # commands/s sent, the fastest run so far

    async def run(
        self,
        session: aiohttp.ClientSession,
        server: Server,
        seed: int,
        timing: tuple[float, float],
    ) -> Run:
        """One run of `server`; if the prepared commands ran out, again with twice as many."""
        warmup_s, measure_s = timing
        rate = self.fastest or FIRST_RATE_GUESS
        budget = int(BATCH_MARGIN * rate * (warmup_s + measure_s)) + 500
        while True:
            rng = Random(seed)
            people = [(rng.randrange(USERS), rng.randrange(KEYS)) for _ in range(budget)]
            issued: list[tuple[str, str]] = await self.link.ask({"op": "issue", "people": people})
            expected = {key: f"GET /u/{k}" for (_, key), (_, k) in zip(issued, people, strict=True)}
            prepared = Prepared(issued, expected)
            del issued, people
            gc.collect()
            gc.freeze()
            cpu0, server_cpu0 = time.process_time(), server.cpu_s()
            if server.profile is not None:
                server.process.send_signal(signal.SIGUSR1)
            start = time.monotonic()
            stop_at = start + warmup_s + measure_s
            sent, ran_out = await drive(
                session, server.url, self.secret, prepared, stop_at, self.sign, self.fixed_headers
            )
            client_share = (time.process_time() - cpu0) / (time.monotonic() - start)
            report = await self.link.ask(
                {"op": "collect", "keys": [s.key for s in sent], "drain_s": DRAIN_S}
            )
            server_cpu1 = server.cpu_s()
            if server.profile is not None:
                server.process.send_signal(signal.SIGUSR2)
            gc.unfreeze()
            if not ran_out:
                break
            print(
                f"  ({server.name}: the {budget} prepared commands ran out; again, twice as many)"
            )
            budget *= 2
        self.fastest = max(self.fastest or 0.0, len(sent) / (stop_at - start))
        server_cpu = (server_cpu1[0] - server_cpu0[0], server_cpu1[1] - server_cpu0[1])
        figures = Figures(start, warmup_s, measure_s, stop_at, server_cpu, client_share)
        return tally(server, sent, report, prepared, figures)


@dataclass(frozen=True, slots=True)
class Figures:
    """A run's clock marks and the CPU measured around it."""

    start: float
    warmup_s: float
    measure_s: float
    stop_at: float
    server_cpu: tuple[float, float]  # the server's process, its main thread
    client_share: float


def tally(
    server: Server, sent: list[Sent], report: dict[str, Any], prepared: Prepared, f: Figures
) -> Run:
    """The run's figures; stop loudly if any ack or response was wrong."""
    arrived: dict[str, tuple[float, int, str]] = report["arrived"]
    problems: dict[str, int] = {}

    def problem(why: str, times: int = 1) -> None:
        problems[why] = problems.get(why, 0) + times

    for s in sent:
        if s.status != 200:
            problem(f"ack answered HTTP {s.status}")
        got = arrived.get(s.key)
        if got is None:
            continue
        _, status, text = got
        if status != 200:
            problem(f"the fake refused the response: HTTP {status}")
        elif server.expect == "ok" and text != "ok":
            problem(f"not the fixed text: {text[:60]!r}")
        elif server.expect == "trace" and not (
            text.startswith("Trace #") and prepared.expected[s.key] in text
        ):
            problem(f"not the trace asked for: {text[:60]!r}")
    if report["duplicates"]:
        problem("two responses to one command", report["duplicates"])
    if report["strays"]:
        problem("responses to commands not sent in this run", report["strays"])
    if problems:
        fail(f"{server.name}: {problems}; see its log {server.log}")
    window, window_end = f.start + f.warmup_s, f.start + f.warmup_s + f.measure_s
    in_window = [s for s in sent if window <= s.sent < window_end]
    if f.warmup_s > 0 and len(in_window) < 100:  # a timed run (priming runs have no warm-up)
        fail(f"{server.name}: only {len(in_window)} commands sent in the measured window")
    acks = sum(1 for s in sent if window <= s.acked < window_end)
    done = sum(
        1
        for s in sent
        if s.key in arrived and window <= max(s.acked, arrived[s.key][0]) < window_end
    )
    ack_times = [s.acked - s.sent for s in in_window]
    resp_times = [arrived[s.key][0] - s.sent for s in in_window if s.key in arrived]
    last = max((at for at, _, _ in arrived.values()), default=f.stop_at)
    drain = max(last - f.stop_at, 0.0)
    return Run(
        acks_per_s=acks / f.measure_s,
        done_per_s=done / f.measure_s,
        ack_p50=percentile(ack_times, 50),
        ack_p99=percentile(ack_times, 99),
        ack_max=max(ack_times),
        resp_p50=percentile(resp_times, 50) if resp_times else math.inf,
        resp_p99=percentile(resp_times, 99) if resp_times else math.inf,
        sent=len(sent),
        missing=len(sent) - sum(1 for s in sent if s.key in arrived),
        drain=drain,
        server_cpu=f.server_cpu[0] / len(sent),
        server_loop_cpu=f.server_cpu[1] / len(sent),
        server_share=f.server_cpu[0] / (f.stop_at - f.start + drain),
        fake_share=report["cpu_share"],
        client_share=f.client_share,
    )


# -- the whole benchmark ---------------------------------------------------------------------


def hidden_arguments(parser: argparse.ArgumentParser) -> None:
    """How this file runs the floor, and a profiled Rungs, as servers of their own."""
    parser.add_argument("--serve-floor", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-rungs", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", metavar="STATS", help=argparse.SUPPRESS)


ROW = (
    "  {rep:>4}  {name:<6}{acks:>7.0f}{done:>7.0f} |{ack50:>10}{ack99:>10}{ackmax:>10} |"
    "{resp50:>10}{resp99:>11} |{missing:>5}{drain:>10} |{cpu:>9}{loop:>9} |{sshare:>7.0%}"
    "{fshare:>6.0%}{cshare:>6.0%}"
)


HEAD = (
    f"  {'rep':>4}  {'server':<6}{'acks/s':>7}{'done/s':>7} |{'ack p50':>10}{'ack p99':>10}"
    f"{'ack max':>10} |{'resp p50':>10}{'resp p99':>11} |{'miss':>5}{'drain':>10} |"
    f"{'CPU/cmd':>9}{'in loop':>9} |{'server':>7}{'fake':>6}{'load':>6}"
)
LEGEND = (
    "  done/s: completed commands/s; resp: send -> response at the fake; miss: responses that\n"
    "  never came; drain: last send -> last response; CPU/cmd: the server's, all threads and its\n"
    "  event loop's thread; server / fake / load: each process's CPU as a share of one core"
)


def row(rep: str, name: str, run: Run) -> str:
    return ROW.format(
        rep=rep,
        name=name,
        acks=run.acks_per_s,
        done=run.done_per_s,
        ack50=ms(run.ack_p50 * 1e9),
        ack99=ms(run.ack_p99 * 1e9),
        ackmax=ms(run.ack_max * 1e9),
        resp50=ms(run.resp_p50 * 1e9),
        resp99=ms(run.resp_p99 * 1e9),
        missing=run.missing,
        drain=ms(run.drain * 1e9),
        cpu=ms(run.server_cpu * 1e9),
        loop=ms(run.server_loop_cpu * 1e9),
        sshare=run.server_share,
        fshare=run.fake_share,
        cshare=run.client_share,
    )


async def main(args: argparse.Namespace) -> None:
    plan = QUICK if args.quick else FULL
    header("signed /trace slash commands: `rungs slack --http` beside a bare Bolt app", args.quick)
    info(
        "slack_bolt / slack_sdk / aiohttp",
        f"{metadata.version('slack_bolt')} / {metadata.version('slack_sdk')} / "
        f"{metadata.version('aiohttp')}",
    )
    print(
        f"{WORKERS} workers in a closed loop (next command when the previous ack arrives), "
        f"/trace GET /u/<k>, keys uniform over {KEYS}, {USERS} users over {CHANNELS} channels; "
        f"{plan.reps} repetition(s), each server {plan.measure_s:g} s after {plan.warmup_s:g} s "
        f"of warm-up, order alternating; first one untimed {plan.prime_s:g} s run of each"
    )
    print(
        "processes: the server under test, the fake Slack, this load generator; they share "
        "this machine's cores (the CPU each took is shown)"
    )
    async with FakeProcess(fake_process, "fake-slack") as link:
        fake: dict[str, str] = link.facts
        bench = Bench(link, fake)
        with tempfile.TemporaryDirectory(prefix="rungs-bench-slack-") as tmp:
            rungs, floor = await measure(bench, fake, Path(tmp), plan, args.profile)
    report(rungs, floor)


async def measure(
    bench: Bench, fake: dict[str, str], tmp: Path, plan: Plan, profile: bool
) -> tuple[list[Run], list[Run]]:
    db = tmp / "rungs.db"
    env = server_env(fake, db)
    port_r, port_f = free_port(), free_port()
    servers: dict[str, Server] = {}
    results: dict[str, list[Run]] = {"rungs": [], "floor": []}
    connector = aiohttp.TCPConnector(limit=2 * WORKERS)
    try:
        servers["rungs"] = await start_server(
            "rungs", "trace", rungs_argv(port_r), env, port_r, tmp / "rungs.log"
        )
        servers["floor"] = await start_server(
            "floor", "ok", floor_argv(port_f), env, port_f, tmp / "floor.log"
        )
        async with aiohttp.ClientSession(connector=connector) as session:
            for server in servers.values():  # untimed: fills the database, warms the code
                await bench.run(session, server, SEED - 1, (0.0, plan.prime_s))
            print()
            print(HEAD)
            for rep in range(plan.reps):
                for name in ("rungs", "floor") if rep % 2 == 0 else ("floor", "rungs"):
                    timing = (plan.warmup_s, plan.measure_s)
                    run = await bench.run(session, servers[name], SEED + rep, timing)
                    results[name].append(run)
                    print(row(str(rep + 1), name, run))
            print(LEGEND)
            if profile:
                for name, server in servers.items():
                    await stop_server(server)
                    await profile_server(bench, session, name, env, tmp, plan)
    finally:
        for server in servers.values():
            await stop_server(server)
    print()
    for server in servers.values():
        print_log_check(server)
    return results["rungs"], results["floor"]


async def profile_server(
    bench: Bench,
    session: aiohttp.ClientSession,
    name: str,
    env: dict[str, str],
    tmp: Path,
    plan: Plan,
) -> None:
    """One run of a fresh server under cProfile (its event loop's thread), printed."""
    port, stats = free_port(), tmp / f"{name}.prof"
    argv = rungs_argv(port, stats) if name == "rungs" else floor_argv(port, stats)
    expect = "trace" if name == "rungs" else "ok"
    server = await start_server(name, expect, argv, env, port, tmp / f"{name}-profiled.log")
    try:
        await bench.run(session, server, SEED - 1, (0.0, plan.prime_s))  # warms it, unprofiled
        server.profile = stats
        run = await bench.run(session, server, SEED, (plan.warmup_s, plan.measure_s))
        for _ in range(100):  # the server's signal handler writes the stats
            if stats.exists():
                break
            await asyncio.sleep(0.05)
    finally:
        await stop_server(server)
    print()
    print(row("prof", name, run) + "   (under cProfile: slower)")
    total = profiled_seconds(str(stats))
    info(f"{name}: profiled CPU of the event loop per command", ms(total / run.sent * 1e9))
    print_log_check(server)
    print_profile(
        str(stats), f"cProfile of {name}'s event loop over that run ({run.sent} commands)"
    )


def print_log_check(server: Server) -> None:
    lines = server.log.read_text(errors="replace").splitlines()
    bad = [line for line in lines if re.search(r"Traceback|failed \[ref|ERROR|Error:", line)]
    info(f"{server.name}'s log (stdout + stderr)", f"{len(lines)} lines, {len(bad)} errors")
    for line in bad[:5]:
        print(f"    {line[:160]}")


def report(rungs: list[Run], floor: list[Run]) -> None:
    print()
    for name, runs in (("Rungs", rungs), ("floor: a Bolt app that acks and responds 'ok'", floor)):
        print(f"{name} (medians of {len(runs)} runs)")
        info(
            "completed commands/s (ack and response)",
            f"{med(runs, lambda r: r.done_per_s):.0f}/s",
        )
        info("acks/s", f"{med(runs, lambda r: r.acks_per_s):.0f}/s")
        info("time to ack p50", at_ms(runs, lambda r: r.ack_p50))
        p99 = med(runs, lambda r: r.ack_p99)
        if runs is rungs:
            target = f"≤ {ms(TARGET_ACK_P99_S * 1e9)}"
            check(
                "time to ack p99 (Slack allows 3 s)", ms(p99 * 1e9), target, p99 <= TARGET_ACK_P99_S
            )
        else:
            info("time to ack p99", ms(p99 * 1e9))
        info("time to ack max (worst of all runs)", ms(max(r.ack_max for r in runs) * 1e9))
        info(
            "send -> response at the fake p50 / p99",
            f"{at_ms(runs, lambda r: r.resp_p50)} / {at_ms(runs, lambda r: r.resp_p99)}",
        )
        info(
            "server CPU per command: all / event loop",
            f"{at_ms(runs, lambda r: r.server_cpu)} / {at_ms(runs, lambda r: r.server_loop_cpu)}",
        )
        info(
            "responses missing (all runs) / drain max",
            f"{sum(r.missing for r in runs)} / {ms(max(r.drain for r in runs) * 1e9)}",
        )
    ratio = med(rungs, lambda r: r.done_per_s) / med(floor, lambda r: r.done_per_s)
    print("Rungs against the floor:")
    check(
        "completed commands/s, Rungs / floor",
        f"{ratio:.2f}",
        f"≥ {TARGET_RATIO:.2f}",
        ratio >= TARGET_RATIO,
    )
    info(
        "acks/s, Rungs / floor",
        f"{med(rungs, lambda r: r.acks_per_s) / med(floor, lambda r: r.acks_per_s):.2f}",
    )
    cpu_ratio = med(rungs, lambda r: r.server_cpu) / med(floor, lambda r: r.server_cpu)
    info(
        "server CPU per command, Rungs / floor",
        f"{cpu_ratio:.2f}×  (throughput ratio, each on a core of its own: {1 / cpu_ratio:.2f})",
    )
    every = rungs + floor
    print("the harness and the machine (all runs):")
    busiest = max(r.server_share for r in every)
    info("server's process: CPU share of a core (max)", f"{busiest:.0%}")
    if busiest < CPU_BOUND_SHARE:
        print(
            f"  note: no server took {CPU_BOUND_SHARE:.0%} of a core, so the rates above were set\n"
            "  by how often this busy machine ran the three processes, not by what a command\n"
            "  costs; the CPU-per-command ratio is the better guide to the ratio on a quiet machine"
        )
    info("fake's process: CPU share of a core (max)", f"{max(r.fake_share for r in every):.0%}")
    info("load generator: CPU share of a core (max)", f"{max(r.client_share for r in every):.0%}")
    info("load average at the end (1 min)", f"{os.getloadavg()[0]:.2f}")
    print_summary()


if __name__ == "__main__":
    arguments, rest = fakeproc.parse_args(__doc__ or "", hidden_arguments)
    if arguments.profile_to is not None:
        profile_on_signals(arguments.profile_to)
    if arguments.serve_floor is not None:
        serve_floor(arguments.serve_floor)
    elif arguments.serve_rungs:
        sys.exit(serve_rungs(rest))
    elif rest:
        sys.exit(f"unrecognized arguments: {' '.join(rest)}")
    else:
        asyncio.run(main(arguments))
