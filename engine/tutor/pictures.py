"""Whether a reply carries its pictures: yes, unless the caller turned them off
(`/settings images=off`) or, in a channel, its admins did for everybody
(`/settings channel_images=off`). The text of a reply is the same either way.

Every trace asks, so the answers are kept for `TTL` in this process (a bounded map): a
setting changed through this process takes effect at once (the handler forgets the entry);
one changed through another node of a deployment, within `TTL`. Without this, each trace
would pay two more database reads for a setting that almost never changes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import assert_never

from engine.load.answer import LoadAnswer
from engine.load.catalogue import LoadContent
from engine.load.climb import ClimbView
from engine.load.scenario_story import ScenarioRun
from engine.pictures.from_load import climb_chart, load_chart, scenario_chart
from engine.ports import Clock, ClusterStore, DrillStore
from engine.replies import Figure
from engine.tutor.actor import Actor

TTL = timedelta(seconds=30)
CAPACITY = 4_096


class PicturePreference:
    def __init__(self, settings: DrillStore, channels: ClusterStore, clock: Clock) -> None:
        self._settings = settings
        self._channels = channels
        self._clock = clock
        self._known: OrderedDict[Hashable, tuple[datetime, bool]] = OrderedDict()

    async def wanted(self, actor: Actor) -> bool:
        if not actor.shows_pictures:
            return False
        user = actor.user_key
        mine = self._recall(user)
        if mine is None:
            stored = await self._settings.load_settings(user)
            mine = self._keep(user, stored is None or stored.images)
        if not mine or not actor.in_channel:
            return mine
        scope = actor.cluster_scope
        channel = self._recall(scope)
        if channel is None:
            found = await self._channels.load_channel_settings(scope)
            channel = self._keep(scope, found is None or found.images)
        return channel

    def forget(self, key: Hashable) -> None:
        """A user's or a channel's setting changed here: ask the store next time."""
        self._known.pop(key, None)

    def _recall(self, key: Hashable) -> bool | None:
        found = self._known.get(key)
        if found is None or found[0] <= self._clock.now():
            return None
        return found[1]

    def _keep(self, key: Hashable, value: bool) -> bool:
        self._known[key] = (self._clock.now() + TTL, value)
        self._known.move_to_end(key)
        while len(self._known) > CAPACITY:
            self._known.popitem(last=False)
        return value


LoadResult = LoadAnswer | ScenarioRun | ClimbView | None


def load_figure(result: LoadResult, content: LoadContent) -> Figure | None:
    """The chart of a /load, /scenario or /climb result (engine/pictures/from_load), or None
    where there is nothing to draw (a list of scenarios, a climb before its first rung)."""
    match result:
        case LoadAnswer():
            return Figure(load_chart(result), "load")
        case ScenarioRun():
            return Figure(scenario_chart(result, content.capacities), "scenario")
        case ClimbView():
            chart = climb_chart(result.state, content)
            return None if chart is None else Figure(chart, "climb")
        case None:
            return None
        case _:
            assert_never(result)
