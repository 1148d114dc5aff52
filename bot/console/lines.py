"""Lines as the console reads them, gathered into what it hands on: a line that ends in a
backslash goes on into the next one (as in a shell), and a command that opens a form on the
platforms (`/answer` alone) reads its text from the lines that follow, up to a blank line.

Both work the same on a terminal and from a pipe, so a script can send a sketch of several
lines; the form's text keeps its line breaks, as a form on Discord or Slack keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.commands.specs import BY_NAME, CommandSpec

CONTINUE = "\\"  # at the end of a line: the line goes on


@dataclass(frozen=True, slots=True)
class Line:
    """A whole command line, as typed (continuations joined)."""

    text: str


@dataclass(frozen=True, slots=True)
class FormText:
    """The text of a form the console read line by line: the command, the option it fills,
    and the lines, their breaks kept."""

    command: str
    option: str
    text: str


@dataclass(frozen=True, slots=True)
class Opened:
    """A form was opened: the lines that follow are its text."""

    command: str


Gathered = Line | FormText | Opened | None


class LineGatherer:
    """Feed it each line read; it says what (if anything) is complete."""

    def __init__(self) -> None:
        self._pending: list[str] = []  # the pieces of a continued line
        self._form: tuple[CommandSpec, list[str]] | None = None  # an open form and its lines

    @property
    def waiting(self) -> bool:
        """A continued line or an open form is waiting for more (the prompt says so)."""
        return bool(self._pending) or self._form is not None

    @property
    def in_form(self) -> bool:
        return self._form is not None

    def feed(self, raw: str) -> Gathered:
        line = raw.rstrip("\r\n")
        if self._form is not None:
            return self._form_line(line)
        if line.rstrip().endswith(CONTINUE):
            self._pending.append(line.rstrip()[: -len(CONTINUE)].rstrip())
            return None
        text = " ".join([*self._pending, line.strip()]).strip()
        self._pending = []
        spec = _form_spec(text)
        if spec is not None:
            self._form = (spec, [])
            return Opened(spec.name)
        return Line(text)

    def close(self) -> Gathered:
        """The end of input: what was still open is complete now."""
        if self._form is not None:
            return self._form_line("")
        if self._pending:
            text = " ".join(self._pending).strip()
            self._pending = []
            return Line(text)
        return None

    def _form_line(self, line: str) -> Gathered:
        assert self._form is not None
        spec, lines = self._form
        if line.strip():
            lines.append(line.rstrip())
            return None
        self._form = None
        return FormText(spec.name, _text_option(spec), "\n".join(lines))


def _form_spec(text: str) -> CommandSpec | None:
    """The spec of a command typed alone whose spec opens a form (and has free text to take)."""
    words = text.split()
    if len(words) != 1:
        return None
    spec = BY_NAME.get(words[0].removeprefix("/").lower())
    if spec is None or spec.opens_form is None or not any(o.rest for o in spec.options):
        return None
    return spec


def _text_option(spec: CommandSpec) -> str:
    return next(o.name for o in spec.options if o.rest)
