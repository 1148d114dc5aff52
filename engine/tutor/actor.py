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
    def in_channel(self) -> bool:
        return self.channel_id is not None
