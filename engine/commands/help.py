"""Help text generated from the command specs, so it can never drift from the parser."""

from __future__ import annotations

import difflib

from engine.commands.specs import BY_NAME, CommandSpec, OptionSpec, usage_line
from engine.errors import UsageError
from engine.replies import Fields, Heading, Paragraph, Preformatted, Reply, Span, SpanStyle


def help_reply(command: str | None, subcommand: str | None = None) -> Reply:
    if command is None:
        rows = tuple((_brief_usage(spec), spec.summary) for spec in BY_NAME.values())
        return Reply(
            (
                Heading("Rungs: climb the scaling ladder"),
                Paragraph.of(
                    "Start with ",
                    Span("/trace GET /u/7", SpanStyle.CODE),
                    ", then run it again and watch the warm cache answer.",
                ),
                Fields(rows),
                Paragraph.of("More on one command: ", Span("/help <command>", SpanStyle.CODE), "."),
            )
        )
    spec = BY_NAME.get(command.removeprefix("/"))
    if spec is None:
        close = difflib.get_close_matches(command, list(BY_NAME), n=1, cutoff=0.5)
        hint = f" Did you mean /help {close[0]}?" if close else ""
        raise UsageError(
            f"There is no command /{command[:30]}.{hint}", "/help lists every command."
        )
    if subcommand is None:
        return Reply(_command_blocks(spec))
    return Reply(_subcommand_blocks(spec, _subcommand(spec, subcommand)))


def _subcommand(spec: CommandSpec, name: str) -> CommandSpec:
    sub = spec.sub(name)
    if sub is not None:
        return sub
    names = [s.name for s in spec.subcommands]
    if not names:
        raise UsageError(f"/{spec.name} has no subcommands.", f"/help {spec.name} explains it.")
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f" Did you mean /help {spec.name} {close[0]}?" if close else ""
    raise UsageError(
        f"/{spec.name} has no '{name[:30]}'.{hint}",
        f"Its subcommands: {', '.join(names)}.",
        f"/help {spec.name} {close[0]}" if close else None,
    )


def _subcommand_blocks(
    parent: CommandSpec, sub: CommandSpec
) -> tuple[Heading | Paragraph | Fields | Preformatted, ...]:
    """One subcommand in full: its usage, every option it takes, its examples."""
    blocks: list[Heading | Paragraph | Fields | Preformatted] = [
        Heading(f"/{parent.name} {sub.name}: {sub.summary}"),
        Paragraph.of(Span(usage_line(sub, parent), SpanStyle.CODE)),
    ]
    if sub.options:
        blocks.append(Fields(tuple((o.name, _option_help(o)) for o in sub.options)))
    if sub.examples:
        blocks.append(Preformatted("\n".join(sub.examples)))
    return tuple(blocks)


def _command_blocks(spec: CommandSpec) -> tuple[Heading | Paragraph | Fields | Preformatted, ...]:
    blocks: list[Heading | Paragraph | Fields | Preformatted] = [
        Heading(f"/{spec.name}: {spec.summary}")
    ]
    if spec.subcommands:
        blocks.append(Fields(tuple((usage_line(s, spec), s.summary) for s in spec.subcommands)))
        for sub in spec.subcommands:
            if sub.keyword:
                blocks.append(Fields(tuple((o.name, _option_help(o)) for o in sub.options)))
    else:
        blocks.append(Paragraph.of(Span(usage_line(spec), SpanStyle.CODE)))
        if spec.options:
            blocks.append(Fields(tuple((o.name, _option_help(o)) for o in spec.options)))
    examples = spec.examples + tuple(e for s in spec.subcommands for e in s.examples)
    if examples:
        blocks.append(Preformatted("\n".join(dict.fromkeys(examples))))
    if spec.subcommands:
        # An example that shows more than the one-line summary: a subcommand with an argument.
        shown = next(
            (s for s in spec.subcommands if any(o.required for o in s.options)),
            spec.subcommands[0],
        )
        blocks.append(
            Paragraph.of(
                "One subcommand in full: ",
                Span(f"/help {spec.name} <subcommand>", SpanStyle.CODE),
                ", like ",
                Span(f"/help {spec.name} {shown.name}", SpanStyle.CODE),
                ".",
            )
        )
    return tuple(blocks)


def _option_help(option: OptionSpec) -> str:
    # A help that already explains each choice ("process: …; host: …") is not followed by
    # the bare list of them again.
    explained = all(f"{c}:" in option.help for c in option.choices)
    if option.choices and not explained:
        return f"{option.help}: {', '.join(option.choices)}"
    return option.help


def _brief_usage(spec: CommandSpec) -> str:
    if spec.subcommands:
        return f"/{spec.name} {'|'.join(s.name for s in spec.subcommands)} …"
    return usage_line(spec)
