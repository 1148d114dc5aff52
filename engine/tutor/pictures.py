"""Whether a reply carries its pictures: yes, unless the caller turned them off
(`/settings images=off`) or, in a channel, its admins did for everybody
(`/settings channel_images=off`). The text of a reply is the same either way."""

from __future__ import annotations

from engine.ports import ClusterStore, DrillStore
from engine.tutor.actor import Actor


class PicturePreference:
    def __init__(self, settings: DrillStore, channels: ClusterStore) -> None:
        self._settings = settings
        self._channels = channels

    async def wanted(self, actor: Actor) -> bool:
        stored = await self._settings.load_settings(actor.user_key)
        if stored is not None and not stored.images:
            return False
        if not actor.in_channel:
            return True
        channel = await self._channels.load_channel_settings(actor.cluster_scope)
        return channel is None or channel.images
