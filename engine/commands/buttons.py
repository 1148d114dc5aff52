"""Button ids: versioned, at most 100 characters, ids only; the state they act on is in the store.

Format: `r1:<verb>:<arg>…`. A button from an older format gets a polite "run it again" rather
than a wrong action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.commands import types as t
from engine.errors import UsageError

VERSION = "r1"
_ID = re.compile(r"[a-z0-9][a-z0-9\-]{0,39}")
MAX_LENGTH = 100
RATED = ("again", "hard", "good", "easy")


def trace_step(trace_no: int, cursor: int) -> str:
    return _join("ts", str(trace_no), str(cursor))


def trace_all(trace_no: int) -> str:
    return _join("ta", str(trace_no))


def trace_animation(trace_no: int) -> str:
    """Every step of a trace, with its animation (a GIF on the platforms) as the picture."""
    return _join("tg", str(trace_no))


def drill_start(drill_id: str, confirm: bool = False) -> str:
    return _join("dr", drill_id, "c" if confirm else "")


def drill_answer() -> str:
    """Opens the answer form on the platforms (a modal); the console has no buttons."""
    return _join("an")


def reveal(session_id: int) -> str:
    return _join("rv", str(session_id))


def rate(rating: str, session_id: int, confirm: bool = False) -> str:
    """Rate that drill; `confirm` answers the question a rating well above the verdict asks."""
    if confirm:
        return _join("rt", rating, str(session_id), "c")
    return _join("rt", rating, str(session_id))


def forget_me_confirm() -> str:
    return _join("fm")


def challenge_join(challenge_id: int) -> str:
    return _join("cj", str(challenge_id))


def challenge_answer(challenge_id: int) -> str:
    """Opens the answer form for this challenge on the platforms (see `answer_form`); where no
    form can open, the Tutor reads it as joining the challenge."""
    return _join("ca", str(challenge_id))


def challenge_start(drill_id: str) -> str:
    """Start a team challenge on this drill in the channel (the daily drill's button)."""
    return _join("cs", drill_id)


def under_load(session_id: int) -> str:
    """A reveal's "see it under load": the follow-up of that drill of the presser's."""
    return _join("ul", str(session_id))


def scenario(scenario_id: str) -> str:
    return _join("sc", scenario_id)


def climb_pick(game: int, turn: int, rung: str) -> str:
    """Climb `rung` in that game at that turn (an older button finds the game moved on)."""
    return _join("cp", str(game), str(turn), rung)


def climb_raise(game: int, turn: int) -> str:
    return _join("cr", str(game), str(turn))


def climb_start() -> str:
    return _join("cn")


REMINDER_ACTIONS = ("review", "snooze", "stop")
_USER_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def reminder(action: str, workspace: str, user_id: str) -> str | None:
    """A review reminder's button (review now, snooze a day, stop), carrying whom it is for:
    the workspace too, since a direct message on Discord is outside the server whose reviews
    it is about. None for ids a button cannot carry."""
    if action not in REMINDER_ACTIONS or not all(map(_USER_ID.fullmatch, (workspace, user_id))):
        return None
    action_id = ":".join((VERSION, "rm", action, workspace, user_id))
    return action_id if len(action_id) <= MAX_LENGTH else None


ACTING_FOR = "acting_for"  # the form option that carries whom a form acts for (never typed)


def acting_for(workspace: str, user_id: str, action_id: str) -> str | None:
    """`action_id`, acting for this learner in this workspace wherever it is pressed (see
    `ActingForCommand`); None if it cannot carry them (too long, an id a button cannot hold,
    or one that already acts for someone)."""
    if not action_id.startswith(VERSION + ":") or action_id.startswith(_join("af") + ":"):
        return None
    if not all(map(_USER_ID.fullmatch, (workspace, user_id))):
        return None
    wrapped = ":".join((VERSION, "af", workspace, user_id, action_id.removeprefix(VERSION + ":")))
    return wrapped if len(wrapped) <= MAX_LENGTH else None


def _acting_for_parts(action_id: str) -> tuple[str, str, str] | None:
    """(workspace, user id, the inner button's id) of an acting-for id; None for others."""
    parts = action_id.split(":", 4)
    if len(parts) != 5 or parts[:2] != [VERSION, "af"] or not _ids(parts[2:4]):
        return None
    inner = f"{VERSION}:{parts[4]}"
    return (parts[2], parts[3], inner) if not inner.startswith(_join("af")) else None


@dataclass(frozen=True, slots=True)
class AnswerForm:
    """A button that opens the answer form (a modal) instead of running a command.

    Give the modal the button's id (Discord: the modal's custom_id; Slack: the view's
    private_metadata) and, on submit, call
    `Tutor.handle_options(actor, "answer", None, {"text": text, **form.options})`."""

    challenge_id: int | None  # None: the user's own drill
    acting_for: tuple[str, str] | None = None  # (workspace, user id): see ActingForCommand

    @property
    def options(self) -> dict[str, str]:
        found = {} if self.challenge_id is None else {"challenge": str(self.challenge_id)}
        if self.acting_for is not None:
            found[ACTING_FOR] = ":".join(self.acting_for)
        return found


def answer_form(action_id: str) -> AnswerForm | None:
    """The answer form a button (or a modal carrying its id) stands for; None for others."""
    acting = _acting_for_parts(action_id)
    if acting is not None:
        inner = answer_form(acting[2])
        return None if inner is None else AnswerForm(inner.challenge_id, acting[:2])
    if action_id == drill_answer():
        return AnswerForm(None)
    prefix = _join("ca") + ":"
    if action_id.startswith(prefix) and len(action_id) <= MAX_LENGTH:
        try:
            return AnswerForm(_number(action_id.removeprefix(prefix)))
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A pressed button, read once: the form it opens (if any), the command it runs, and whether
    its reply replaces the message the button sits on (trace steps) or is a new, private one."""

    action_id: str
    form: AnswerForm | None  # open this form instead of running anything
    command: t.Command | None  # None: an id Rungs cannot read (the Tutor answers it politely)
    edits_message: bool

    @property
    def private(self) -> bool:
        """Every button's reply but a trace step's and a climb's move is for the one who
        pressed it (a channel's climb is the team's game: its moves are for all to see)."""
        team = (t.ClimbPickCommand, t.ClimbRaiseCommand, t.ClimbStartCommand)
        return not self.edits_message and not isinstance(self.command, team)


def read_button(action_id: str) -> ButtonPress:
    """What a button press asks for. Adapters hand `command` (or, for an unreadable id, the id
    itself: `engine.commands.incoming.Pressed`) to the Tutor; nothing else parses the id."""
    form = answer_form(action_id)
    try:
        command: t.Command | None = parse_button(action_id)
    except UsageError:
        command = None
    inner = command.inner if isinstance(command, t.ActingForCommand) else command
    edits = isinstance(inner, t.TraceViewCommand)
    return ButtonPress(action_id, form, command, edits)


def parse_button(action_id: str) -> t.Command:
    acting = _acting_for_parts(action_id)
    if acting is not None:
        return t.ActingForCommand(acting[0], acting[1], _parse_one(acting[2]))
    return _parse_one(action_id)


def _parse_one(action_id: str) -> t.Command:
    parts = action_id.split(":")
    if len(action_id) > MAX_LENGTH or len(parts) < 2 or parts[0] != VERSION:
        raise UsageError(
            "That button comes from an older version of Rungs: run the command "
            "again for fresh buttons."
        )
    verb, args = parts[1], parts[2:]
    try:
        if verb == "ts" and len(args) == 2:
            return t.TraceViewCommand(_number(args[0]), _number(args[1]))
        if verb == "ta" and len(args) == 1:
            return t.TraceViewCommand(_number(args[0]), None)
        if verb == "tg" and len(args) == 1:
            return t.TraceViewCommand(_number(args[0]), None, animate=True)
        if verb == "dr" and len(args) == 2 and _ID.fullmatch(args[0]):
            return t.DrillCommand(args[0], args[1] == "c")
        if verb == "rv" and len(args) == 1:
            return t.RevealCommand(_number(args[0]))
        if verb == "rt" and len(args) == 2 and args[0] in ("again", "hard", "good", "easy"):
            return t.RateCommand(args[0], _number(args[1]))
        if verb == "rt" and len(args) == 3 and args[0] in RATED and args[2] == "c":
            return t.RateCommand(args[0], _number(args[1]), confirm=True)
        if verb == "fm" and not args:
            return t.ForgetMeCommand(confirm=True)
        if verb in ("cj", "ca") and len(args) == 1:
            return t.ChallengeJoinCommand(_number(args[0]))
        if verb == "cs" and len(args) == 1 and _ID.fullmatch(args[0]):
            return t.ChallengeStartCommand(args[0])
        return _study_button(verb, args)
    except ValueError:
        pass
    raise UsageError("That button is not one Rungs understands: run the command again.")


def _study_button(verb: str, args: list[str]) -> t.Command:
    if verb == "rm" and len(args) == 3 and args[0] in REMINDER_ACTIONS and _ids(args[1:]):
        return t.ReminderButtonCommand(args[0], args[1], args[2])
    return _load_button(verb, args)


def _load_button(verb: str, args: list[str]) -> t.Command:
    if verb == "ul" and len(args) == 1:
        return t.UnderLoadCommand(_number(args[0]))
    if verb == "sc" and len(args) == 1 and _ID.fullmatch(args[0]):
        return t.ScenarioCommand(args[0])
    if verb == "cp" and len(args) == 3 and _ID.fullmatch(args[2]):
        return t.ClimbPickCommand(args[2], _number(args[0]), _number(args[1]))
    if verb == "cr" and len(args) == 2:
        return t.ClimbRaiseCommand(_number(args[0]), _number(args[1]))
    if verb == "cn" and not args:
        return t.ClimbStartCommand()
    raise ValueError(verb)


def _ids(parts: list[str]) -> bool:
    return all(_USER_ID.fullmatch(part) for part in parts)


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise ValueError(text)
    return int(text)


def _join(*parts: str) -> str:
    action_id = ":".join((VERSION, *parts))
    if len(action_id) > MAX_LENGTH:
        raise ValueError(f"button id too long: {len(action_id)} characters")
    return action_id
