"""One typed Settings object, built in the CLI and passed down; never read at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.storage.timeouts import ACQUIRE_S, STATEMENT_S, DatabaseTimeouts

APP_NAME = "rungs"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'rungs.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RUNGS_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="sqlite:///path/to/rungs.db (default: rungs.db in the user's data directory)",
    )
    content_dir: Path | None = Field(
        default=None, description="content folder (default: the content shipped with Rungs)"
    )
    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "RUNGS_DISCORD_TOKEN"),
        description="Discord bot token (DISCORD_TOKEN)",
    )
    discord_api_base: str = Field(
        default="https://discord.com/api/v10", description="Discord REST base address"
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", description="Discord gateway address"
    )
    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "RUNGS_SLACK_BOT_TOKEN"),
        description="Slack bot token, xoxb-… (SLACK_BOT_TOKEN)",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "RUNGS_SLACK_APP_TOKEN"),
        description="Slack app-level token for Socket Mode, xapp-… (SLACK_APP_TOKEN)",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "RUNGS_SLACK_SIGNING_SECRET"),
        description="Slack signing secret for HTTP mode (SLACK_SIGNING_SECRET)",
    )
    slack_admins: str = Field(
        default="",
        description="Slack user ids, comma-separated, who may set daily drills (besides admins)",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base address"
    )
    images_dir: Path | None = Field(
        default=None,
        description="console: write each reply's pictures into this folder (RUNGS_IMAGES_DIR)",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="WARNING", description="logging level"
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="log lines as text, or as one JSON object each"
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="serve Prometheus metrics on this port (HTTP modes: else on their own port)",
    )
    metrics_host: str = Field(
        default="0.0.0.0",  # noqa: S104 - a container's scraper comes from outside it
        description="the address the metrics port listens on",
    )
    database_statement_timeout: float = Field(
        default=STATEMENT_S,
        gt=0,
        le=600,
        description="seconds a PostgreSQL statement may take before the command gives up",
    )
    database_acquire_timeout: float = Field(
        default=ACQUIRE_S,
        gt=0,
        le=600,
        description="seconds to wait for a PostgreSQL connection from the pool (or a new one)",
    )
    job_lease_s: float = Field(
        default=30.0,
        ge=0.5,
        le=3600.0,
        description="how long a node's claim on a due job lasts unrenewed (it is renewed while "
        "the job is posted); a dead node's jobs are taken over after it",
    )
    discord_public_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_PUBLIC_KEY", "RUNGS_DISCORD_PUBLIC_KEY"),
        description="the application's public key, for Discord's HTTP interactions (hex)",
    )

    @property
    def database_timeouts(self) -> DatabaseTimeouts:
        return DatabaseTimeouts(self.database_statement_timeout, self.database_acquire_timeout)

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()
