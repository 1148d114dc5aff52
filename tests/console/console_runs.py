"""Running the installed `rungs` as a user does: piped (a script on standard input) or on a
pseudo-terminal of a given size, where prompt_toolkit edits the line and Tab completes."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

RUNGS = Path(sys.executable).parent / "rungs"
# Terminal control sequences (CSI and OSC), to read what a terminal would show as text.
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]")
# The prompts: the speaker's own, and the one while a form's text or a line goes on.
PROMPTS = ("al@~>", "... ")
CURSOR_QUERY = b"\x1b[6n"  # prompt_toolkit asks where the cursor is; a terminal answers


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def replies(self) -> list[str]:
        """Each reply, as printed: the console ends every reply with a blank line."""
        assert self.stdout.endswith("\n\n"), self.stdout[-200:]
        return self.stdout[: -len("\n\n")].split("\n\n")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}


def rungs(*args: str | Path, stdin: str = "") -> Run:
    done = subprocess.run(
        [str(RUNGS), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def console(db: Path, script: str) -> Run:
    return rungs("console", "--db", db, "--user", "alice", stdin=script)


class Terminal:
    """`rungs console` on a pseudo-terminal `columns` wide: type keys, read the screen's text."""

    def __init__(self, db: Path, columns: int = 60, rows: int = 40) -> None:
        import fcntl
        import pty
        import struct
        import termios

        env = clean_env() | {"COLUMNS": str(columns), "LINES": str(rows), "TERM": "xterm"}
        env.pop("NO_COLOR", None)
        self._pid, self._fd = pty.fork()
        if self._pid == 0:  # the child: become the console
            os.execve(str(RUNGS), [str(RUNGS), "console", "--db", str(db), "--user", "al"], env)
        fcntl.ioctl(self._fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.raw = b""

    def type(self, keys: str, until: str | None = None, timeout: float = 30) -> None:
        """Send keys; then read until `until` shows (or a short quiet spell without it). After
        a line is sent, also until the prompt is back, so that the next keys (a Tab above all)
        reach the new prompt rather than race the end of the reply."""
        os.write(self._fd, keys.encode())
        self.read(until, timeout)
        if keys.endswith("\r") and until is not None:
            self.read(PROMPTS, timeout)

    def read(self, until: str | tuple[str, ...] | None = None, timeout: float = 30) -> None:
        start = len(self.raw)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ready, _, _ = select.select([self._fd], [], [], 0.2)
            if not ready:
                if until is None:
                    return
                continue
            try:
                data = os.read(self._fd, 65_536)
            except OSError:  # the child has gone: the terminal is closed
                return
            if not data:
                return
            self.raw += data
            if CURSOR_QUERY in data:
                os.write(self._fd, b"\x1b[1;1R")
            wanted = (until,) if isinstance(until, str) else until or ()
            if any(w in _joined(text_of(self.raw[start:])) for w in wanted):
                return
        if until is not None:
            raise AssertionError(f"{until!r} never showed; the screen said:\n{self.text}")

    @property
    def text(self) -> str:
        return text_of(self.raw)

    def close(self) -> int:
        try:
            os.write(self._fd, b"\x04")  # Ctrl-D
            self.read(timeout=5)
        except OSError:
            pass
        end = time.monotonic() + 15
        while time.monotonic() < end:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid:
                os.close(self._fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.1)
        os.kill(self._pid, 9)  # the console we started did not leave on Ctrl-D
        os.waitpid(self._pid, 0)
        os.close(self._fd)
        raise AssertionError(f"the console did not exit on Ctrl-D; the screen said:\n{self.text}")


def _joined(text: str) -> str:
    """The words of a screen on one line: what to look for, wherever the reply folded."""
    return " ".join(text.split())


def text_of(raw: bytes) -> str:
    return _CONTROL.sub("", raw.decode(errors="replace")).replace("\r", "")
