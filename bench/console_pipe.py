"""The real console fed 5,000 `/trace` lines through a pipe: commands per second.

    .venv/bin/python bench/console_pipe.py [--quick]

Runs `rungs console --db <fresh temp file> --user bench` as a subprocess, writes the whole
script to its standard input, and times it from start to exit. Start-up (same command, fresh
database, empty input) is measured separately, reported, and subtracted. The output must hold
exactly one `Trace #n:` header per line sent, or the run is declared invalid.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path
from random import Random

from benchkit import check, fail, header, info, median, parse_args, rungs_executable, summary

KEYS = 500
SEED = 20_261_128
TRACE_HEADER = re.compile(rb"^Trace #\d+: ", re.MULTILINE)


def script(lines: int) -> bytes:
    rng = Random(SEED)
    return "".join(f"/trace GET /u/{rng.randrange(KEYS)}\n" for _ in range(lines)).encode()


def run_console(db: Path, stdin: bytes) -> tuple[float, bytes]:
    """Seconds from spawn to exit, and the standard output."""
    command = [str(rungs_executable()), "console", "--db", str(db), "--user", "bench"]
    start = time.perf_counter_ns()
    done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    seconds = (time.perf_counter_ns() - start) / 1e9
    if done.returncode != 0:
        fail(f"console exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
    if done.stderr.strip():
        print(f"  (console wrote to stderr: {done.stderr.decode(errors='replace')[:300]!r})")
    return seconds, done.stdout


def main() -> None:
    args = parse_args(__doc__ or "")
    lines = 1_000 if args.quick else 5_000
    reps = 1 if args.quick else 3
    header(f"console fed {lines:,} /trace lines through a pipe", args.quick)
    stdin = script(lines)
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        folder = Path(tmp)
        run_console(folder / "warm.db", b"")  # warm the OS page cache and .pyc files
        startups = [run_console(folder / f"empty{i}.db", b"")[0] for i in range(3)]
        startup = median(startups)
        walls: list[float] = []
        for rep in range(reps):
            seconds, out = run_console(folder / f"run{rep}.db", stdin)
            traces = len(TRACE_HEADER.findall(out))
            if traces != lines:
                fail(f"expected {lines:,} traces in the output, found {traces:,}")
            walls.append(seconds)
            print(
                f"  run {rep + 1}: {seconds:.2f} s wall, {traces:,} traces verified, "
                f"{len(out) / 1e6:.1f} MB of output"
            )
    wall = median(walls)
    rate = lines / (wall - startup)
    print()
    print(f"medians of {reps} run(s):")
    info("start-up + exit (fresh db, empty input)", f"{startup * 1000:.0f} ms")
    info("wall time, spawn to exit", f"{wall:.2f} s")
    info("raw rate (lines / wall time)", f"{lines / wall:,.0f} commands/s")
    info("per command (start-up subtracted)", f"{(wall - startup) / lines * 1e6:.0f} µs")
    check("commands/s (start-up subtracted)", f"{rate:,.0f}/s", "≥ 1,000/s", rate >= 1_000)
    summary()


if __name__ == "__main__":
    main()
