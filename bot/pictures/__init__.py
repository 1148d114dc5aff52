"""Drawing: `engine.pictures` values in, PNG and GIF bytes out (Pillow, with a shipped font).

Import this package only when a picture is wanted: it loads Pillow (about 30 ms). Every
function is pure (its output depends on its input alone, byte for byte) and keeps no state
between calls, so adapters may call it from a worker thread (`asyncio.to_thread(render, p)`).
"""

from bot.pictures.render import Rendered, render, render_frame

__all__ = ["Rendered", "render", "render_frame"]
