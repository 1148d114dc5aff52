"""Whether a reply carries its pictures: yes, unless the caller turned them off
(`/settings images=off`). The text of a reply is the same either way."""

from __future__ import annotations

from engine.ports import DrillStore
from engine.tutor.actor import Actor


class PicturePreference:
    def __init__(self, settings: DrillStore) -> None:
        self._settings = settings

    async def wanted(self, actor: Actor) -> bool:
        stored = await self._settings.load_settings(actor.user_key)
        return stored is None or stored.images
