"""Modals and App Home: views.open (trigger_id rules), views.update, views.publish.

A trigger_id opens one view within 3 s of the interaction (platforms.md, section 3); a view is
refused with ``invalid_arguments`` when it breaks a limit, as Slack refuses views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .base import ApiError, Clock, Ids
from .limits import refusal, view_errors
from .payloads import Workspace

JSON = dict[str, Any]
Handler = Callable[[JSON], JSON]
TRIGGER_TTL = 3.0


@dataclass
class Trigger:
    issued_at: float
    used: bool = False


class ViewStore:
    def __init__(self, ws: Workspace, clock: Clock, ids: Ids) -> None:
        self.ws, self.clock, self.ids = ws, clock, ids
        self.views: dict[str, JSON] = {}  # modals by view id
        self.home_views: dict[str, JSON] = {}  # the latest App Home view by user id
        self.triggers: dict[str, Trigger] = {}

    def handlers(self) -> dict[str, Handler]:
        return {
            "views.open": self.open_view,
            "views.update": self.update_view,
            "views.publish": self.publish_view,
        }

    def issue_trigger_id(self) -> str:
        trigger_id = self.ids.trigger_id(self.ws.team_id)
        self.triggers[trigger_id] = Trigger(self.clock.now())
        return trigger_id

    def _check(self, body: JSON) -> JSON:
        view = body.get("view")
        errors = view_errors(view) if view is not None else ["[ERROR] missing view"]
        if errors:
            raise ApiError("invalid_arguments", body=refusal("invalid_arguments", errors))
        assert isinstance(view, dict)
        return view

    def _stored(self, view: JSON, view_id: str | None = None) -> JSON:
        view_id = view_id or self.ids.new("V")
        return {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **view,
            "id": view_id,
            "team_id": self.ws.team_id,
            "state": {"values": {}},
            "hash": self.ids.view_hash(),
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": self.ws.api_app_id,
            "bot_id": self.ws.bot_id,
        }

    def open_view(self, body: JSON) -> JSON:
        view = self._check(body)
        trigger = self.triggers.get(str(body.get("trigger_id")))
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if self.clock.now() - trigger.issued_at > TRIGGER_TTL:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        stored = self._stored(view)
        self.views[stored["id"]] = stored
        return {"ok": True, "view": stored}

    def update_view(self, body: JSON) -> JSON:
        view = self._check(body)
        external_id = body.get("external_id")
        old = self.views.get(str(body.get("view_id"))) or next(
            (v for v in self.views.values() if external_id and v["external_id"] == external_id),
            None,
        )
        if old is None:
            raise ApiError("not_found")
        if body.get("hash") and body["hash"] != old["hash"]:
            raise ApiError("hash_conflict")
        stored = self._stored(view, old["id"])
        self.views[stored["id"]] = stored
        return {"ok": True, "view": stored}

    def publish_view(self, body: JSON) -> JSON:
        view = self._check(body)
        user_id = body.get("user_id")
        if not user_id or view.get("type") != "home":
            raise ApiError("invalid_arguments")
        old = self.home_views.get(str(user_id))
        stored = self._stored(view, old["id"] if old else None)
        self.home_views[str(user_id)] = stored
        return {"ok": True, "view": stored}
