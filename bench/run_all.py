"""Run every benchmark in this folder, one after another, and summarise PASS/MISS.

    .venv/bin/python bench/run_all.py [--quick]

Each benchmark runs in its own process with this interpreter; its output is shown as it comes.
Exit status: 0 when every benchmark produced its figures (whatever PASS/MISS says), 1 when one
crashed or declared its own run invalid.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchkit import parse_args

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "startup.py",
    "console_pipe.py",
    "memory.py",
    "tutor_throughput.py",
    "scoring.py",
    "drill_cycle.py",
    "discord_interactions.py",
    "slack_commands.py",
    "jobs_sweep.py",
    "delivery_soak.py",
    "scale_out.py",
    "pictures.py",
    "db_copy.py",
    "load_speed.py",
    "load_des.py",
)


def run(name: str, quick: bool) -> tuple[int, float, list[str]]:
    """Exit status, seconds, and the PASS/MISS lines of one benchmark."""
    command = [sys.executable, str(HERE / name), *(["--quick"] if quick else [])]
    verdicts: list[str] = []
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.rstrip().endswith(("PASS", "MISS")) and not line.startswith("result:"):
                verdicts.append(line.strip())
    return process.returncode, time.perf_counter() - start, verdicts


def main() -> None:
    args = parse_args(__doc__ or "")
    results = []
    for name in BENCHMARKS:
        results.append((name, *run(name, args.quick)))
        print()
    print("== summary ==")
    failed = False
    for name, status, seconds, verdicts in results:
        state = "ok" if status == 0 else f"FAILED (exit {status})"
        failed |= status != 0
        print(f"{name} ({seconds:.0f} s): {state}")
        for verdict in verdicts:
            print(f"  {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
