"""The README documents what the code offers: every command, setting and environment variable."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices

from bot.settings import Settings
from engine.commands.specs import CLUSTER, COMMANDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_and_subcommand_is_documented() -> None:
    for spec in COMMANDS:
        names = [f"/{spec.name} {sub.name}" for sub in spec.subcommands] or [f"/{spec.name}"]
        for name in names:
            assert f"`{name}" in README, name


def test_every_cluster_setting_is_documented() -> None:
    settings = next(s for s in CLUSTER.subcommands if s.name == "set")
    for option in settings.options:
        assert f"`{option.name}`" in README, option.name


def test_every_environment_variable_is_documented() -> None:
    prefix = Settings.model_config.get("env_prefix", "")
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        variable = alias.choices[0] if isinstance(alias, AliasChoices) else f"{prefix}{name}"
        assert f"`{str(variable).upper()}`" in README, name
