"""The console's pictures as a user gets them: `rungs console --images DIR` (or
RUNGS_IMAGES_DIR) writes each reply's pictures and prints their paths under the reply;
`rungs trace … --png/--gif` writes one; without the option nothing is drawn."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

RUNGS = Path(sys.executable).parent / "rungs"

pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)
PICTURE = re.compile(r"^\[picture: (?P<path>\S+) \((?P<w>\d+)×(?P<h>\d+) (?P<kind>PNG|GIF), ")


def rungs(*args: str | Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}
    return subprocess.run(
        [str(RUNGS), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        check=False,
    )


def pictures(stdout: str) -> list[re.Match[str]]:
    return [m for line in stdout.splitlines() if (m := PICTURE.match(line))]


SCRIPT = "/trace GET /u/7\n/cluster show\n/settings images=off\n/trace GET /u/7\n"


def test_images_writes_each_picture_and_prints_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    done = rungs("console", "--db", tmp_path / "r.db", "--images", folder, stdin=SCRIPT)
    assert done.returncode == 0, done.stderr
    found = pictures(done.stdout)
    # The trace and the cluster; after images=off, the second trace in words alone.
    assert [Path(m["path"]).name for m in found] == ["001-trace-1.png", "002-cluster.png"]
    for match in found:
        with Image.open(match["path"]) as image:
            assert (image.format, image.size) == ("PNG", (int(match["w"]), int(match["h"])))
    replies = done.stdout.split("\n\n")
    assert replies[0].splitlines()[-1].startswith("[picture: ")  # under its reply
    assert "1/11 GET /u/7" in replies[0]
    assert sorted(p.name for p in folder.iterdir()) == ["001-trace-1.png", "002-cluster.png"]


def test_the_setting_does_what_the_option_does(tmp_path: Path) -> None:
    folder = tmp_path / "env"
    done = rungs(
        "console", "--db", tmp_path / "r.db", stdin="/cluster show\n", RUNGS_IMAGES_DIR=str(folder)
    )
    assert [Path(m["path"]).name for m in pictures(done.stdout)] == ["001-cluster.png"]


def test_without_the_option_the_console_prints_text_only(tmp_path: Path) -> None:
    done = rungs("console", "--db", tmp_path / "r.db", stdin="/trace GET /u/7\n")
    assert done.returncode == 0
    assert "[picture:" not in done.stdout
    assert not list(tmp_path.glob("*.png"))


def test_one_shot_png_and_gif(tmp_path: Path) -> None:
    png, gif = tmp_path / "trace.png", tmp_path / "out" / "trace.gif"
    done = rungs("trace", "GET /u/7", "--db", tmp_path / "r.db", "--png", png, "--gif", gif)
    assert done.returncode == 0, done.stderr
    assert "1/11 GET /u/7" in done.stdout
    assert [m["kind"] for m in pictures(done.stdout)] == ["PNG", "GIF"]
    with Image.open(png) as still:
        assert still.format == "PNG"
    with Image.open(gif) as animation:
        assert (animation.format, animation.n_frames) == ("GIF", 11)
        assert "loop" not in animation.info  # plays once
    assert gif.stat().st_size <= 1_000_000
