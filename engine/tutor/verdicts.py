"""The verdicts of recent reveals, so that `/rate` reads the reveal's own verdict instead of
scoring the sketch a second time (scoring is most of a drill cycle's work).

Only a memo of a pure function: on a miss (the rating came to another node, or after a
restart) the sketch is scored again, and the same sketch always gets the same verdict.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping

from engine.content.models import Drill
from engine.drills.scoring import Verdict, score

KEPT = 512  # reveals remembered; a rating comes seconds after its reveal


class RecentVerdicts:
    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._verdicts: OrderedDict[tuple[int, str, bytes], Verdict] = OrderedDict()

    def score(
        self, session_id: int, drill: Drill, params: Mapping[str, float], sketch: str
    ) -> Verdict:
        """The verdict on this session's sketch, scored once while it is remembered."""
        key = (session_id, drill.id, hashlib.blake2b(sketch.encode()).digest())
        found = self._verdicts.get(key)
        if found is not None:
            self._verdicts.move_to_end(key)
            return found
        verdict = score(drill, params, sketch)
        self._verdicts[key] = verdict
        if len(self._verdicts) > self._kept:
            self._verdicts.popitem(last=False)
        return verdict
