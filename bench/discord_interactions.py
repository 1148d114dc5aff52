"""`/trace` slash interactions through a fake Discord: the real Rungs bot beside a baseline bot.

    .venv/bin/python bench/discord_interactions.py [--quick] [--profile]

The fake Discord of the end-to-end tests (tests/fakes/fake_discord/: REST v10 + gateway v10
on loopback) runs in a child process of its own, so that building, sending and answering 200
interactions a second takes neither the bots' event loop nor their GIL; a thread there plays the
users. The bots run in this process, one at a time, each started as the tests start the real
client (`point_at(settings)`, login, connect, `guild_ready_timeout=0.1`, no identify wait):

- Rungs: `bot.discord_app.client.RungsDiscord` over a Tutor on the SQLite file store (temp file,
  `SqliteStore.open`), after `settle_garbage_collector()` as `rungs` does (the setting is the
  process's, so the baseline runs with it too). As in `rungs discord`, a trace is answered before
  its cluster is saved (`Tutor.reply_then_save`); every save after a reply that failed or lost
  a race is counted from the Tutor's log and must be none;
- baseline: a plain `discord.Client` (the same intents) whose `on_interaction` only does
  `await interaction.response.send_message("ok")`: what discord.py and the transport cost.

Load: 50 users in one guild channel together offer 200 `/trace GET /u/<k>` slash interactions
a second (keys uniform over 500) at Poisson-random moments drawn in advance and fired on time by
the thread, whatever is still in flight (open loop: no coordinated omission). The figure is the
fake's own `elapsed` of each callback: from the moment it dispatched INTERACTION_CREATE to the
moment the bot's `POST /interactions/{id}/{token}/callback` reached it. Beside it: the fake's
firing lateness (scheduled arrival -> dispatch) and the latency from the scheduled arrival, so
that a slow harness would show, and each process's CPU and collector pauses. Each repetition
runs both bots (in alternating order), each after a discarded warm-up; headline figures are the
medians of the repetitions. Both bots and the fake share this machine's cores.

For orientation, each latency is split in three with one clock (CLOCK_MONOTONIC, shared by the
two processes): dispatch -> the bot's handler starts (the gateway and the parsing: the baseline's
`on_interaction` gets the `discord.Interaction` discord.py built, Rungs' `RungsDiscord.answer`
gets the event's JSON), -> the bot hands its callback to discord.py's webhook adapter (the
handler's own work, building the JSON included), -> the POST reaches the fake (discord.py's
request, the HTTP hop). The stamps come from a subclass of each bot and a wrapper around
`AsyncWebhookAdapter.create_interaction_response`, about a microsecond each.

`--profile` adds one Rungs run under cProfile (this process only: the bot, not the fake) and
prints where its time goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import logging
import resource
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from random import Random
from typing import Any

import discord
import fakeproc
from benchkit import (
    GcPauses,
    InFlight,
    check,
    fail,
    fire_on_time,
    header,
    info,
    median,
    ms,
    percentile,
    poisson_arrivals,
    summary,
)
from fake_discord import FakeDiscord
from fakeproc import FakeProcess, Plan, at_ms, med, print_profile

from bot.discord_app.client import RungsDiscord
from bot.discord_app.run import point_at
from bot.runtime import settle_garbage_collector
from bot.settings import Settings
from engine.content.loader import load_content
from engine.ports import SystemClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

USERS = 50
KEYS = 500
OFFERED_RATE = 200.0  # interactions per second, all users together
SEED = 20_261_210
TARGET_P99_S = 0.050
TARGET_RATIO = 1.5
HEARTBEAT_MS = 41_250  # Discord's usual interval: heartbeats stay out of the figures
DRAIN_S = 10.0  # how long to wait for the last callbacks (the fake refuses them after 3 s)


FULL = Plan(reps=5, prime_s=2.0, warmup_s=1.0, measure_s=4.0)
QUICK = Plan(reps=3, prime_s=1.0, warmup_s=0.5, measure_s=1.5)


# -- the fake's process --------------------------------------------------------------------------


def fake_process(conn: Connection) -> None:
    """The child: the fake Discord and its users, driven by commands over `conn`."""
    fakeproc.serve(conn, fake_discord)


@asynccontextmanager
async def fake_discord() -> AsyncIterator[tuple[dict[str, str], fakeproc.Handler]]:
    async with FakeDiscord(heartbeat_interval_ms=HEARTBEAT_MS) as fake:
        people = [fake.new_user(f"learner{u}") for u in range(USERS)]

        async def handle(command: dict[str, Any]) -> dict[str, Any]:
            return await offer_load(fake, people, **command)

        yield {"api": fake.base_url, "gateway": str(fake.gateway_url), "token": fake.token}, handle


async def one_live_session(fake: Any) -> bool:
    """Wait until exactly one bot is connected (the previous one's session has closed)."""
    end = time.perf_counter() + 5.0
    while time.perf_counter() < end:
        if len(fake.live_shards()) == 1:
            return True
        await asyncio.sleep(0.01)
    return False


async def offer_load(
    fake: Any, people: list[Any], *, expect: str, seed: int, warmup_s: float, measure_s: float
) -> dict[str, Any]:
    """One open-loop run: Poisson arrivals drawn in advance, fired on time by a thread."""
    guild = fake.guilds[0].id

    def draw(rng: Random) -> Any:
        user, key = people[rng.randrange(USERS)], rng.randrange(KEYS)
        return fake.slash("trace", {"method": "GET", "path": f"/u/{key}"}, user, guild)

    schedule = poisson_arrivals(Random(seed), OFFERED_RATE, warmup_s + measure_s, draw)
    # The fake keeps every interaction, message and frame: move that history out of the
    # collector's sight, or its full collections (100-200 ms by the fifth run) stall the users.
    gc.collect()
    gc.freeze()
    if not await one_live_session(fake):
        return {"error": "no single live gateway session to dispatch to"}
    first = len(fake.callbacks.items)
    fired: dict[str, float] = {}  # interaction id -> scheduled arrival (perf_counter seconds)
    in_flight = InFlight()

    async def fire(due: float, payload: Any) -> None:
        fired[await fake.dispatch_interaction(payload)] = due

    def arrive(due_ns: int, offset_ns: int, payload: Any) -> None:
        in_flight.start(fire(due_ns / 1e9, payload))

    cpu_before = time.process_time()
    began = time.perf_counter()
    with GcPauses() as pauses:
        start = await fire_on_time(schedule, arrive) / 1e9
        await in_flight.finish()
        answered = {c.interaction_id for c in fake.callbacks.items[first:]}
        end = time.perf_counter() + DRAIN_S
        for missing in set(fired) - answered:  # usually none by now; tally() counts any left
            try:
                await fake.wait_for_callback(missing, max(end - time.perf_counter(), 0.001))
            except TimeoutError:
                break
    result = tally(fake, fake.callbacks.items[first:], fired, start + warmup_s, expect)
    result["fake_cpu"] = (time.process_time() - cpu_before) / (time.perf_counter() - began)
    result["fake_gc"] = (pauses.full, pauses.longest_ns / 1e9)
    return result


def tally(
    fake: Any, callbacks: list[Any], fired: dict[str, float], window: float, expect: str
) -> dict[str, Any]:
    """The interactions scheduled inside the measured window, and anything that went wrong."""
    measured: list[tuple[str, float, float, float]] = []  # id, scheduled, dispatched, arrived
    problems: dict[str, int] = {}
    for callback in callbacks:
        due = fired.get(callback.interaction_id)
        if due is None:
            problems["a callback for an interaction not fired in this run"] = 1
            continue
        if callback.status >= 400:
            why = f"refused by the fake: {callback.status} {callback.error_code}"
            problems[why] = problems.get(why, 0) + 1
        elif not answered_as_expected(callback, expect):
            why = f"not the expected reply (callback type {callback.type})"
            problems[why] = problems.get(why, 0) + 1
        if due >= window:
            dispatched = fake.interactions[callback.interaction_id].dispatched_at
            arrived = dispatched + callback.elapsed
            measured.append((callback.interaction_id, due, dispatched, arrived))
    unanswered = len(fired) - len({c.interaction_id for c in callbacks})
    if unanswered:
        problems["no callback within the drain time"] = unanswered
    return {"fired": len(fired), "window": window, "measured": measured, "problems": problems}


def answered_as_expected(callback: Any, expect: str) -> bool:
    data = callback.data
    if callback.type != 4:  # a deferral (5) would mean the bot took over 2 s
        return False
    if expect == "ok":
        return bool(data.get("content") == "ok")
    labels = {c.get("label") for row in data.get("components", []) for c in row["components"]}
    return bool(data.get("embeds")) and "Next" in labels  # a trace's first step, with buttons


# -- the bots (this process) ---------------------------------------------------------------------


class Stamps:
    """When each interaction reached a bot's handler, and when the bot handed its
    callback to discord.py (perf_counter: CLOCK_MONOTONIC, the fake's process reads the same
    clock)."""

    def __init__(self) -> None:
        self.entered: dict[str, float] = {}
        self.replying: dict[str, float] = {}

    def clear(self) -> None:
        self.entered.clear()
        self.replying.clear()


STAMPS = Stamps()


def stamp_callbacks() -> None:
    """Stamp the moment a bot hands its callback to discord.py's webhook adapter: both bots get
    there, the baseline through `interaction.response.send_message`, Rungs directly."""
    adapter = discord.webhook.async_.AsyncWebhookAdapter
    original = adapter.create_interaction_response

    def create_interaction_response(
        self: discord.webhook.async_.AsyncWebhookAdapter,
        interaction_id: int,
        token: str,
        **kwargs: Any,
    ) -> Any:
        STAMPS.replying[str(interaction_id)] = time.perf_counter()
        return original(self, interaction_id, token, **kwargs)

    adapter.create_interaction_response = create_interaction_response  # type: ignore[method-assign]


class Baseline(discord.Client):
    """discord.py and nothing else: every interaction gets a fixed text."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")


class StampedBaseline(Baseline):
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        STAMPS.entered[str(interaction.id)] = time.perf_counter()
        await super().on_interaction(interaction)


class StampedRungs(RungsDiscord):
    async def answer(self, payload: dict[str, Any]) -> None:
        STAMPS.entered[str(payload["id"])] = time.perf_counter()
        await super().answer(payload)


def intents() -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True  # as RungsDiscord: the guild cache, nothing else
    return chosen


async def no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


class LostSaves(logging.Handler):
    """Counts the Tutor's warnings and errors: a cluster save after the reply that failed or
    found the scope saved by someone else logs one (and the trace it answered is not kept)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


LOST_SAVES = LostSaves()


class TimedTutor:
    """The Tutor as RungsDiscord sees it, timing `reply_then_save` (lock waits included, the
    save that follows the reply not; the rest passes through)."""

    def __init__(self, tutor: Tutor) -> None:
        self._tutor = tutor
        self.times: list[float] = []

    def reply_then_save(self, *args: Any, **kwargs: Any) -> Awaitable[Any]:
        async def timed() -> Any:
            began = time.perf_counter()
            try:
                return await self._tutor.reply_then_save(*args, **kwargs)
            finally:
                self.times.append(time.perf_counter() - began)

        return timed()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tutor, name)


BotFactory = Callable[[], discord.Client]


@dataclass(frozen=True, slots=True)
class Run:
    """One run of one bot; times in seconds."""

    p50: float  # dispatch -> callback POST at the fake (the fake's `elapsed`)
    p99: float
    max: float
    due_p99: float  # from the scheduled arrival (firing lateness included)
    lateness_p99: float  # scheduled arrival -> dispatch
    achieved: float  # measured interactions / (last callback - window start)
    legs: tuple[float, float, float]  # p50 of: -> the handler, -> the callback, -> the POST
    tutor_p50: float  # Rungs only: Tutor.reply_then_save inside the bot (0 for the baseline)
    bot_cpu: float  # this process's CPU (all threads) per interaction fired
    bot_gc: tuple[int, float]  # this process: full collections, longest pause
    fake_cpu: float  # the fake's process: CPU seconds per second
    fake_gc: tuple[int, float]  # the fake's process: full collections, longest pause


async def run_bot(
    link: FakeProcess,
    name: str,
    make: BotFactory,
    expect: str,
    seed: int,
    plan: tuple[float, float],
    token: str,
    tutor: TimedTutor,
    profiler: cProfile.Profile | None = None,
) -> Run:
    """Start a bot, have the fake offer it the load, stop it; fail loudly on a wrong answer."""
    warmup_s, measure_s = plan
    client = make()
    client.before_identify_hook = no_identify_wait  # type: ignore[method-assign]
    await client.login(token)
    connecting = asyncio.create_task(client.connect(reconnect=False))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        STAMPS.clear()
        tutor.times.clear()
        command = {"expect": expect, "seed": seed, "warmup_s": warmup_s, "measure_s": measure_s}
        before = resource.getrusage(resource.RUSAGE_SELF)
        if profiler is not None:
            profiler.enable()
        with GcPauses() as pauses:
            result: dict[str, Any] = await link.ask(command)
        if profiler is not None:
            profiler.disable()
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        await client.close()
        connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)
    if "error" in result:
        fail(f"{name}: {result['error']}")
    if result["problems"]:
        fail(f"{name}: {result['problems']}")
    measured: list[tuple[str, float, float, float]] = result["measured"]
    if len(measured) < 50:
        fail(f"{name}: only {len(measured)} interactions in the measured window")
    elapsed = [arrived - dispatched for _, _, dispatched, arrived in measured]
    try:
        legs = [
            (STAMPS.entered[i] - d, STAMPS.replying[i] - STAMPS.entered[i], a - STAMPS.replying[i])
            for i, _, d, a in measured
        ]
    except KeyError as missing:
        fail(f"{name}: interaction {missing} answered without passing the stamps")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = max(arrived for *_, arrived in measured)
    return Run(
        p50=percentile(elapsed, 50),
        p99=percentile(elapsed, 99),
        max=max(elapsed),
        due_p99=percentile([a - due for _, due, _, a in measured], 99),
        lateness_p99=percentile([d - due for _, due, d, _ in measured], 99),
        achieved=len(measured) / (last - result["window"]),
        legs=(
            percentile([g for g, _, _ in legs], 50),
            percentile([h for _, h, _ in legs], 50),
            percentile([r for _, _, r in legs], 50),
        ),
        tutor_p50=percentile(tutor.times, 50) if tutor.times else 0.0,
        bot_cpu=cpu / result["fired"],
        bot_gc=(pauses.full, pauses.longest_ns / 1e9),
        fake_cpu=result["fake_cpu"],
        fake_gc=result["fake_gc"],
    )


async def main() -> None:
    args, rest = fakeproc.parse_args(__doc__ or "")
    if rest:
        fail(f"unrecognized arguments: {' '.join(rest)}")
    plan = QUICK if args.quick else FULL
    header("/trace slash interactions through the fake Discord: Rungs and a baseline", args.quick)
    info(
        "discord.py / aiohttp", f"{metadata.version('discord.py')} / {metadata.version('aiohttp')}"
    )
    print(
        f"{USERS} users in one guild channel offer {OFFERED_RATE:g} interactions/s (Poisson), "
        f"keys uniform over {KEYS}; {plan.reps} repetitions, each bot {plan.measure_s:g} s "
        f"after {plan.warmup_s:g} s of warm-up; first one untimed {plan.prime_s:g} s run of each"
    )
    print(
        "the fake Discord (a process of its own) and the bot under test (this process) share "
        "this machine's cores: the CPU each took is shown"
    )
    async with FakeProcess(fake_process, "fake-discord") as link:
        ready: dict[str, str] = link.facts
        point_at(Settings(discord_api_base=ready["api"], discord_gateway_url=ready["gateway"]))
        with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
            store = await SqliteStore.open(Path(tmp) / "rungs.db")
            try:
                rungs, baseline = await measure(link, store, plan, ready["token"], args.profile)
            finally:
                await store.close()
    report(rungs, baseline)


async def measure(
    link: FakeProcess, store: SqliteStore, plan: Plan, token: str, profile: bool
) -> tuple[list[Run], list[Run]]:
    tutor = TimedTutor(Tutor(store, load_content(), SystemClock()))
    logging.getLogger("engine.tutor").addHandler(LOST_SAVES)
    stamp_callbacks()
    settle_garbage_collector()  # as `rungs` does once it has started

    def rungs() -> discord.Client:
        # TimedTutor stands in for the Tutor: it times reply_then_save, passes the rest through.
        return StampedRungs(tutor, SystemClock(), shard_count=1, guild_ready_timeout=0.1)  # type: ignore[arg-type]

    def baseline() -> discord.Client:
        return StampedBaseline(intents=intents(), guild_ready_timeout=0.1)

    bots = {"rungs": (rungs, "trace"), "baseline": (baseline, "ok")}
    for name, (make, expect) in bots.items():  # untimed: fills the database, warms the code
        await run_bot(link, name, make, expect, SEED - 1, (0.0, plan.prime_s), token, tutor)
    print()
    print(
        "  rep  bot        p50       p99        max      rate  | from arrival  lateness"
        " | legs p50: gateway  handler    reply | CPU/interaction"
    )
    results: dict[str, list[Run]] = {"rungs": [], "baseline": []}
    for rep in range(plan.reps):
        for name in ("rungs", "baseline") if rep % 2 == 0 else ("baseline", "rungs"):
            make, expect = bots[name]
            timing = (plan.warmup_s, plan.measure_s)
            run = await run_bot(link, name, make, expect, SEED + rep, timing, token, tutor)
            results[name].append(run)
            gateway, handler, reply = (ms(leg * 1e9) for leg in run.legs)
            print(
                f"  {rep + 1:>3}  {name:<9}{ms(run.p50 * 1e9):>9} {ms(run.p99 * 1e9):>9} "
                f"{ms(run.max * 1e9):>10} {run.achieved:>5.0f}/s | p99 {ms(run.due_p99 * 1e9):>8}"
                f" {ms(run.lateness_p99 * 1e9):>9} | {gateway:>17} {handler:>8} {reply:>8} |"
                f" {ms(run.bot_cpu * 1e9):>15}"
            )
    if profile:
        profiler = cProfile.Profile()
        make, expect = bots["rungs"]
        timing = (plan.warmup_s, plan.measure_s)
        await run_bot(link, "rungs", make, expect, SEED, timing, token, tutor, profiler)
        print_profile(profiler, "cProfile of one Rungs run (warm-up included)")
    return results["rungs"], results["baseline"]


def report(rungs: list[Run], baseline: list[Run]) -> None:
    print()
    for name, runs in (("Rungs", rungs), ("baseline, send_message('ok')", baseline)):
        print(f"{name}: dispatch -> callback POST at the fake (medians of {len(runs)} runs)")
        info("latency p50", at_ms(runs, lambda r: r.p50))
        p99 = med(runs, lambda r: r.p99)
        if runs is rungs:
            target = f"≤ {ms(TARGET_P99_S * 1e9)}"
            check("latency p99", ms(p99 * 1e9), target, p99 <= TARGET_P99_S)
        else:
            info("latency p99", ms(p99 * 1e9))
        info("latency max (worst of all runs)", ms(max(r.max for r in runs) * 1e9))
        achieved = med(runs, lambda r: r.achieved)
        info("offered / achieved rate", f"{OFFERED_RATE:g} / {achieved:.0f} interactions/s")
        info("latency p99 from the scheduled arrival", at_ms(runs, lambda r: r.due_p99))
        legs = " / ".join(ms(median([r.legs[i] for r in runs]) * 1e9) for i in range(3))
        info("p50 legs: gateway / handler / reply", legs)
        info("CPU of the bot's process per interaction", at_ms(runs, lambda r: r.bot_cpu))
    ratio = med(rungs, lambda r: r.p50) / med(baseline, lambda r: r.p50)
    print("Rungs against the baseline:")
    check(
        "latency p50, Rungs / baseline",
        f"{ratio:.2f}×",
        f"≤ {TARGET_RATIO:.2f}×",
        ratio <= TARGET_RATIO,
    )
    info("Tutor.reply_then_save p50 inside Rungs' handler", at_ms(rungs, lambda r: r.tutor_p50))
    lost = LOST_SAVES.count
    check("Rungs: saves after the reply lost", str(lost), "0", lost == 0)
    every = rungs + baseline
    print("the harness and the machine (all runs):")
    info("firing lateness p99, scheduled -> dispatch", at_ms(every, lambda r: r.lateness_p99))
    info("fake's process: CPU share (max of runs)", f"{max(r.fake_cpu for r in every):.0%}")
    info("fake's process: full GCs / longest pause", gc_line([r.fake_gc for r in every]))
    info("bot's process: full GCs / longest pause", gc_line([r.bot_gc for r in every]))
    summary()


def gc_line(pauses: list[tuple[int, float]]) -> str:
    return f"{sum(n for n, _ in pauses)} / {ms(max(p for _, p in pauses) * 1e9)}"


if __name__ == "__main__":
    asyncio.run(main())
