"""Who is speaking, and where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    platform: str  # "console", "discord", "slack"
    workspace: str  # Slack team or Discord guild id; "local" for the console
    user_id: str
    display_name: str
    channel_id: str | None = None  # None in a DM (and the console's own default channel)
    # May run a channel's admin commands (/schedule daily|off, /challenge end of another's
    # challenge). Adapters fill it from the platform: Manage Server on Discord, a workspace
    # admin (or a configured list) on Slack; console users are admins of their console.
    is_admin: bool = False

    @property
    def user_key(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user_id}"

    @property
    def own_scope(self) -> str:
        """The scope of the user's own cluster (in a DM, and the console's own space)."""
        return f"{self.platform}:{self.workspace}:dm:{self.user_id}"

    @property
    def cluster_scope(self) -> str:
        """Channels share one cluster, so a study channel warms one cache; DMs get their own."""
        if self.channel_id is None:
            return self.own_scope
        return f"{self.platform}:{self.workspace}:ch:{self.channel_id}"

    @property
    def board(self) -> str:
        """The leaderboard of the workspace or server."""
        return f"{self.platform}:{self.workspace}"

    @property
    def in_channel(self) -> bool:
        return self.channel_id is not None
