"""What the adapter does with an interaction, decided from the engine's command metadata only
(the specs' `private` and `opens_form`, a button's `ButtonPress`): a new command needs no edit
here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.discord_app.incoming import JSON, flatten, modal_text
from engine.commands import buttons
from engine.commands.incoming import Incoming, Options, Pressed
from engine.commands.specs import BY_NAME

SKETCH_INPUT_ID = "sketch"


@dataclass(frozen=True, slots=True)
class OpenForm:
    """Answer with a form (a modal) whose custom_id is this engine form id."""

    form: str


@dataclass(frozen=True, slots=True)
class Run:
    """Hand this to the Tutor; answer as a new message (private or not) or by editing the one
    the button sits on."""

    command: Incoming
    private: bool
    edit: bool = False


Route = OpenForm | Run


def slash_command(data: JSON) -> Route:
    name, subcommand, options = flatten(data)
    spec = BY_NAME.get(name)
    if spec is not None and spec.opens_form is not None and not options:
        return OpenForm(spec.opens_form)
    # An unknown name gets the Tutor's usage reply, for the caller only.
    private = spec.private if spec is not None else True
    return Run(Options(name, subcommand, options), private)


def component(data: JSON) -> Route:
    press = buttons.read_button(str(data.get("custom_id", "")))
    if press.form is not None:  # a drill's or a challenge's Answer
        return OpenForm(press.action_id)
    command: Incoming = press.command if press.command is not None else Pressed(press.action_id)
    return Run(command, private=press.private, edit=press.edits_message)


def modal_submit(data: JSON) -> Route:
    """A submitted answer form: the answer, to what the form's id names."""
    text = modal_text(data, SKETCH_INPUT_ID)
    form = buttons.answer_form(str(data.get("custom_id", ""))) or buttons.AnswerForm(None)
    return Run(Options("answer", None, {"text": text, **form.options}), private=True)
