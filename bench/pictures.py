"""Rendering pictures: a cluster diagram, an 11-step trace animation, a chart (issue #15).

    .venv/bin/python bench/pictures.py [--quick] [--samples DIR]

Each picture is built once from a real simulated trace (tests/pictures/picture_cases.py) and
then rendered to bytes again and again with `bot.pictures.render` (drawing and encoding, PNG or
GIF); p50 and p90 over the repetitions. Also: one animation frame alone (what a Next button
shows), the cost of importing the drawing package (Pillow included) the first time a process
draws, and Pillow's size on disk. `--samples DIR` also writes every review case there (and
three frames of each animation as PNG files) to be looked at. Last, a reply with its picture
end to end through Discord, beside the same reply in words only (bench/picture_replies.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchkit import REPO, check, header, info, percentile, summary

sys.path.insert(0, str(REPO / "tests" / "pictures"))

import picture_replies
from picture_cases import CASES, animation

from bot.pictures import render, render_frame
from engine.content.loader import load_content
from engine.pictures import Picture, TraceAnimation


def timed(work: Callable[[], object], repeats: int) -> list[float]:
    work()  # warm: fonts from disk, first allocations
    times = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        work()
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def figures(label: str, times: list[float], target_ms: float) -> None:
    p50 = statistics.median(times)
    value = f"p50 {p50:.1f} ms"
    check(label, value, f"<= {target_ms:g} ms", p50 <= target_ms)
    info(f"  {label}: p90, max", f"{percentile(times, 90):.1f} ms, {max(times):.1f} ms")


def import_cost(repeats: int) -> float:
    """Median time to import bot.pictures (Pillow included) in a fresh interpreter that has
    already loaded what a running bot has (the Tutor and the picture values)."""
    code = (
        "import time, engine.tutor, engine.pictures.from_cluster; t = time.perf_counter(); "
        "import bot.pictures; print((time.perf_counter() - t) * 1000)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(repeats)
    ]
    return statistics.median(runs)


def pillow_size() -> float:
    import PIL

    root = Path(PIL.__file__).parent
    files = [*root.rglob("*"), *(root.parent / "pillow.libs").rglob("*")]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def write_samples(folder: Path, pictures: dict[str, Picture]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, picture in pictures.items():
        rendered = render(picture, name)
        (folder / rendered.filename).write_bytes(rendered.data)
        if isinstance(picture, TraceAnimation):
            for step in sorted({1, (picture.frame_count + 1) // 2, picture.frame_count}):
                frame = render_frame(picture, step, name)
                (folder / frame.filename).write_bytes(frame.data)
    info("samples written to", str(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (noisier)")
    parser.add_argument("--samples", type=Path, help="also write every review case here")
    args = parser.parse_args()
    header("pictures: rendering diagrams, animations and charts", args.quick)
    repeats = 7 if args.quick else 31
    content = load_content()
    pictures = {name: make(content) for name, make in CASES.items()}

    print("cluster diagrams (PNG)")
    figures(
        "/cluster show (5 servers, every state)",
        timed(lambda: render(pictures["every-state"]), repeats),
        50,
    )
    figures(
        "trace diagram, cold GET /u/7 (11 steps)",
        timed(lambda: render(pictures["cold-get"]), repeats),
        50,
    )
    big = timed(lambda: render(pictures["big-cluster"]), repeats)
    info("16 servers, 8 shards x 3 replicas: p50", f"{statistics.median(big):.1f} ms")

    print("trace animation (GIF, plays once)")
    cold = animation(content, "cold-get-animation")
    figures("11-frame animation, cold GET /u/7", timed(lambda: render(cold), repeats), 300)
    size = len(render(cold).data)
    check("11-frame animation: size", f"{size / 1024:.0f} KiB", "<= 1 MB", size <= 1_000_000)
    dead = animation(content, "dead-server-animation")
    info("13-frame animation (dead server): size", f"{len(render(dead).data) / 1024:.0f} KiB")
    one = timed(lambda: render_frame(cold, 6), repeats)
    info("one frame alone (a Next button): p50", f"{statistics.median(one):.1f} ms")

    print("charts (PNG)")
    figures(
        "/scenario chart: 4 panels x 121 s",
        timed(lambda: render(pictures["scenario-stampede"]), repeats),
        150,
    )
    figures(
        "/load chart: bars + utilisation sweep",
        timed(lambda: render(pictures["load-past-saturation"]), repeats),
        150,
    )
    progress = timed(lambda: render(pictures["progress"]), repeats)
    info("/progress chart: p50", f"{statistics.median(progress):.1f} ms")
    figures(
        "/load chart from engine.load (12k req/s)",
        timed(lambda: render(pictures["load-12000-from-engine"]), repeats),
        150,
    )
    figures(
        "/scenario cache-restart from engine.load",
        timed(lambda: render(pictures["scenario-cache-restart-from-engine"]), repeats),
        150,
    )

    print("loading the drawing code")
    cost = import_cost(3 if args.quick else 7)
    info("import bot.pictures in a running bot: p50", f"{cost:.0f} ms (once per process)")
    info("Pillow on disk (PIL + pillow.libs)", f"{pillow_size():.1f} MB")
    if args.samples:
        write_samples(args.samples, pictures)
    print("a reply with its picture, end to end (Discord, the real client, the fake)")
    picture_replies.report(content, 7 if args.quick else 21)
    summary()


if __name__ == "__main__":
    main()
