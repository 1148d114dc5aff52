"""Who may change a channel's schedule or end someone else's challenge on Slack: workspace
admins and owners (asked of Slack), and the users listed in RUNGS_SLACK_ADMINS. The adapter
hands the check to the Tutor (`Actor.admin_check`), which asks it only for a command whose
rules need it."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_S = 300.0  # a role change shows within five minutes; users.info is not asked every time
CACHE_SIZE = 2_048


class AdminCheck:
    def __init__(self, configured: frozenset[str]) -> None:
        self._configured = configured
        self._known: dict[str, tuple[float, bool]] = {}

    async def is_admin(self, client: AsyncWebClient, user_id: str) -> bool:
        if user_id in self._configured:
            return True
        cached = self._known.get(user_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        try:
            answer = await client.users_info(user=user_id)
        except SlackApiError as exc:  # e.g. the users:read scope is missing: not an admin
            log.warning("users.info failed (%s): treating the user as a member", _error(exc))
            return False
        user = answer.get("user") or {}
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        if len(self._known) >= CACHE_SIZE:
            self._known.clear()
        self._known[user_id] = (time.monotonic(), admin)
        return admin


def parse_admins(configured: str) -> frozenset[str]:
    return frozenset(part.strip() for part in configured.split(",") if part.strip())


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "error")) if exc.response else "error"
