"""Start-up of `rungs console` to its first reply, and the imports that cost the most.

    .venv/bin/python bench/startup.py [--quick]

Pipes a single `/help` line into a fresh `rungs console` process and times spawn -> the end of
the first reply on standard output (content validated, migrations applied, command answered),
and spawn -> exit; once with a fresh database file each time and once with an existing one.
Then runs the same command under `python -X importtime` and lists the slowest imports, and
times the two start-up steps (content loading, opening the store) inside this process.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchkit import check, fail, header, info, median, parse_args, rungs_executable, summary

REPLY_END = b"\n\n"  # the console prints a blank line after every reply
HELP_MARK = b"/trace"  # the help text names /trace
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


@dataclass(frozen=True, slots=True)
class Timing:
    first_reply_s: float
    exit_s: float


def time_console(db: Path) -> Timing:
    command = [str(rungs_executable()), "console", "--db", str(db), "--user", "bench"]
    start = time.perf_counter_ns()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(b"/help\n")
    process.stdin.close()
    received = b""
    fd = process.stdout.fileno()
    while REPLY_END not in received:
        chunk = os.read(fd, 65_536)
        if not chunk:
            break
        received += chunk
    first = time.perf_counter_ns()
    rest = process.stdout.read()
    process.wait()
    end = time.perf_counter_ns()
    stderr = process.stderr.read() if process.stderr else b""
    if process.returncode != 0 or HELP_MARK not in received:
        fail(f"console did not answer /help (exit {process.returncode}): {stderr[-1000:]!r}")
    if rest.strip():
        fail(f"unexpected output after the first reply: {rest[:200]!r}")
    return Timing((first - start) / 1e9, (end - start) / 1e9)


def import_times(db: Path) -> list[tuple[int, int, int, str]]:
    """(self µs, cumulative µs, depth, module) for every import `rungs console` makes."""
    code = (
        "import sys; from bot.cli import main; "
        f"sys.exit(main(['console', '--db', {str(db)!r}, '--user', 'bench']))"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        input=b"/help\n",
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        fail(f"importtime run failed: {done.stderr[-1000:]!r}")
    found = []
    for line in done.stderr.decode().splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            own, total, indent, name = match.groups()
            found.append((int(own), int(total), len(indent) // 2, name))
    return found


def interpreter_alone() -> float:
    start = time.perf_counter_ns()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return (time.perf_counter_ns() - start) / 1e9


async def in_process_steps(folder: Path) -> tuple[float, float, float]:
    """Seconds for load_content, SqliteStore.open on a new file, and on an existing file."""
    from engine.content.loader import load_content
    from engine.storage.sqlite import SqliteStore

    start = time.perf_counter_ns()
    load_content()
    loaded = time.perf_counter_ns()
    store = await SqliteStore.open(folder / "steps.db")
    opened_new = time.perf_counter_ns()
    await store.close()
    reopen = time.perf_counter_ns()
    store = await SqliteStore.open(folder / "steps.db")
    opened_old = time.perf_counter_ns()
    await store.close()
    return (loaded - start) / 1e9, (opened_new - loaded) / 1e9, (opened_old - reopen) / 1e9


def main() -> None:
    args = parse_args(__doc__ or "")
    runs = 3 if args.quick else 7
    header("rungs console start-up to the first reply", args.quick)
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        folder = Path(tmp)
        time_console(folder / "warm.db")  # page cache and .pyc files, as for any second start
        fresh = [time_console(folder / f"fresh{i}.db") for i in range(runs)]
        existing_db = folder / "existing.db"
        time_console(existing_db)
        existing = [time_console(existing_db) for _ in range(runs)]
        baseline = median([interpreter_alone() for _ in range(runs)])
        import_times(folder / "imports-warm.db")
        imports = import_times(folder / "imports.db")
        load_s, open_new_s, open_old_s = asyncio.run(in_process_steps(folder))

    print(f"medians of {runs} runs, `/help` piped into a new process:")
    for label, timings in (("fresh db", fresh), ("existing db", existing)):
        first = median([t.first_reply_s for t in timings])
        spread = f"(min {min(t.first_reply_s for t in timings) * 1000:.0f}, " + (
            f"max {max(t.first_reply_s for t in timings) * 1000:.0f} ms)"
        )
        check(
            f"start-up to first reply, {label}", f"{first * 1000:.0f} ms", "≤ 1000 ms", first <= 1
        )
        info(f"  {spread}; spawn to exit", f"{median([t.exit_s for t in timings]) * 1000:.0f} ms")
    info("bare interpreter (python -c pass)", f"{baseline * 1000:.0f} ms")
    print("steps inside one process (modules already imported):")
    info("load_content() (YAML + pydantic validation)", f"{load_s * 1000:.1f} ms")
    info("SqliteStore.open, new file (with migrations)", f"{open_new_s * 1000:.1f} ms")
    info("SqliteStore.open, existing file", f"{open_old_s * 1000:.1f} ms")

    top_level = sum(total for _, total, depth, _ in imports if depth == 0)
    print(f"python -X importtime, `rungs console` answering /help: {len(imports)} modules,")
    print(f"  {top_level / 1000:.0f} ms in top-level imports. Top 10 by cumulative time:")
    print(f"    {'cumul.':>8} {'self':>8}  module (indent = imported by the line above it)")
    for own, total, depth, name in sorted(imports, key=lambda row: -row[1])[:10]:
        print(f"    {total / 1000:>5.1f} ms {own / 1000:>5.1f} ms  {'  ' * depth}{name}")
    print("  top 10 by self time:")
    for own, total, _, name in sorted(imports, key=lambda row: -row[0])[:10]:
        print(f"    {total / 1000:>5.1f} ms {own / 1000:>5.1f} ms  {name}")
    summary()


if __name__ == "__main__":
    main()
