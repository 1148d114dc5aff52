"""bot.pictures: what comes out is a real image of the right shape, the same every time.

No pixel-exact goldens: sizes, frame counts, the loop count, byte bounds, where frames differ
and where they must not, and determinism across calls and threads.
"""

from __future__ import annotations

import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, ImageChops

from bot.pictures import Rendered, render, render_frame
from bot.pictures.animation import frames
from bot.pictures.layout import layout
from bot.pictures.path import place
from bot.pictures.text import BOLD, REGULAR, load_fonts
from engine.pictures import Chart, ClusterDiagram, Picture, TraceAnimation

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def open_image(rendered: Rendered) -> Image.Image:
    return Image.open(io.BytesIO(rendered.data))


def test_every_case_renders_at_chat_width_within_bounds(cases: dict[str, Picture]) -> None:
    for name, picture in cases.items():
        rendered = render(picture, name)
        image = open_image(rendered)
        assert image.size == (rendered.width, rendered.height) == (800, image.height), name
        assert 250 <= image.height <= 1_100, name
        assert 3_000 <= len(rendered.data) <= 1_000_000, name
        assert rendered.alt == picture.alt, name
        assert 0 < len(rendered.alt) <= 1_000, name
        if isinstance(picture, TraceAnimation):
            assert rendered.filename == f"{name}.gif"
            assert rendered.media_type == "image/gif"
        else:
            assert rendered.data.startswith(PNG_MAGIC)
            assert rendered.filename == f"{name}.png"


def test_the_trace_animation_has_a_frame_per_step_and_plays_once(
    cases: dict[str, Picture],
) -> None:
    animation = cases["cold-get-animation"]
    assert isinstance(animation, TraceAnimation)
    rendered = render(animation)
    gif = open_image(rendered)
    assert gif.format == "GIF"
    assert gif.n_frames == rendered.frames == len(animation.path.steps) == 11
    # Without a NETSCAPE2.0 block a GIF plays once; Pillow reports one as `loop`.
    assert b"NETSCAPE2.0" not in rendered.data
    assert "loop" not in gif.info
    durations = []
    for index in range(gif.n_frames):
        gif.seek(index)
        durations.append(gif.info["duration"])
    assert all(1_800 <= d <= 8_500 for d in durations)
    assert durations[-1] > 1_800  # the last frame stays longer before the GIF stops
    assert len(rendered.data) <= 1_000_000


def test_a_frame_differs_where_its_hop_is_and_nowhere_far_from_the_path(
    cases: dict[str, Picture],
) -> None:
    animation = cases["cold-get-animation"]
    assert isinstance(animation, TraceAnimation)
    images = frames(animation)
    out = layout(animation.diagram)
    placed = place(out, animation.path, load_fonts())
    for index in (2, 5):  # app-0 → cache (GET), app-0 → replica-0 (SELECT)
        xs = [x for line in placed[index].lines for x, _ in line]
        ys = [y for line in placed[index].lines for _, y in line]
        hop = (min(xs) - 3, min(ys) - 3, max(xs) + 4, max(ys) + 4)
        highlighted = images[index].crop(hop)
        done = images[index + 1].crop(hop)  # the same hop, no longer the current one
        assert ImageChops.difference(highlighted, done).getbbox() is not None
    # app-2 takes no part in this trace: its box is the same in every frame.
    box = out.box("app-2")
    still = [im.crop((box.x0 - 2, box.y0 - 2, box.x1 + 3, box.y1 + 3)) for im in images]
    assert all(ImageChops.difference(still[0], s).getbbox() is None for s in still[1:])


def test_one_step_renders_alone_as_the_buttons_need_it(cases: dict[str, Picture]) -> None:
    animation = cases["stale-read-animation"]
    assert isinstance(animation, TraceAnimation)
    step = render_frame(animation, 7)
    assert step.data.startswith(PNG_MAGIC)
    assert step.filename == "trace-step-7.png"
    assert step.alt.startswith("Step 7/11: replica-0 → app-2: returns the OLD row")
    assert open_image(step).size == open_image(render(animation)).size
    with pytest.raises(ValueError, match=r"not in 1\.\.11"):
        render_frame(animation, 12)


def test_same_picture_same_bytes_even_from_several_threads(cases: dict[str, Picture]) -> None:
    names = ["cold-get", "dead-server-animation", "scenario-stampede", "big-cluster"]
    first = {name: render(cases[name]).data for name in names}
    with ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(lambda n: (n, render(cases[n]).data), names * 2))
    assert all(data == first[name] for name, data in again)


def test_a_cluster_and_its_trace_are_different_pictures(cases: dict[str, Picture]) -> None:
    traced = cases["cold-get"]
    assert isinstance(traced, ClusterDiagram)
    assert traced.path is not None
    bare = ClusterDiagram(
        traced.title,
        traced.client,
        traced.balancers,
        traced.apps,
        traced.caches,
        traced.shards,
        traced.caption,
        traced.alt,
    )
    with_path, without = open_image(render(traced)), open_image(render(bare))
    assert with_path.height > without.height  # the list of steps
    assert render(bare).filename == "cluster.png"


def test_the_bottleneck_bar_is_drawn_in_the_warning_colour(cases: dict[str, Picture]) -> None:
    chart = cases["load-past-saturation"]
    assert isinstance(chart, Chart)
    image = open_image(render(chart)).convert("RGB")
    vermillion = sum(
        count
        for count, (r, g, b) in image.getcolors(1 << 20) or []
        if abs(r - 213) < 12 and abs(g - 94) < 12 and b < 20
    )
    assert vermillion > 500


def test_the_shipped_fonts_and_their_licence_are_in_the_package() -> None:
    for path in (REGULAR, BOLD):
        assert path.is_file()
        assert path.stat().st_size > 500_000
    licence = (REGULAR.parent / "LICENSE").read_text()
    assert "Bitstream Vera Fonts Copyright" in licence
    assert "Arev Fonts Copyright" in licence


def test_the_console_and_the_engine_load_no_imaging_library() -> None:
    code = (
        "import sys, bot.cli, bot.console.app, engine.tutor, engine.pictures, "
        "engine.pictures.from_cluster; print(sorted(m for m in sys.modules if m == 'PIL' "
        "or m.startswith('PIL.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
