"""Who is speaking, and where."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from engine.ports import Board, Scope, ScopeKind, UserKey


@dataclass(frozen=True, slots=True)
class Actor:
    platform: str  # "console", "discord", "slack"
    workspace: str  # Slack team or Discord guild id; "local" for the console
    user_id: str
    display_name: str
    channel_id: str | None = None  # None in a DM (and the console's own default channel)
    # May run a channel's admin commands (/schedule daily|off, /challenge end of another's
    # challenge). Adapters fill it from the platform: Manage Server on Discord; console users
    # are admins of their console.
    is_admin: bool = False
    # Where finding out costs a call (Slack's users.info), the adapter gives this instead: the
    # Tutor asks it only for a command whose spec is `admin_only`, and only once.
    admin_check: Callable[[], Awaitable[bool]] | None = None
    # Whether the adapter shows pictures at all (the console only with --images): if not, the
    # Tutor does not build them.
    shows_pictures: bool = True

    @property
    def user_key(self) -> UserKey:
        return UserKey(self.platform, self.workspace, self.user_id)

    @property
    def own_scope(self) -> Scope:
        """The scope of the user's own cluster (in a DM, and the console's own space)."""
        return Scope(self.platform, self.workspace, ScopeKind.OWN, self.user_id)

    @property
    def cluster_scope(self) -> Scope:
        """Channels share one cluster, so a study channel warms one cache; DMs get their own."""
        if self.channel_id is None:
            return self.own_scope
        return Scope(self.platform, self.workspace, ScopeKind.CHANNEL, self.channel_id)

    @property
    def board(self) -> Board:
        """The leaderboard of the workspace or server."""
        return Board(self.platform, self.workspace)

    @property
    def in_channel(self) -> bool:
        return self.channel_id is not None


async def is_admin(actor: Actor) -> bool:
    """Whether the actor is a channel admin, asking the adapter's check only if it must (and
    only for the commands whose rules need it: the specs' `admin_only`)."""
    if actor.is_admin:
        return True
    return actor.admin_check is not None and await actor.admin_check()
