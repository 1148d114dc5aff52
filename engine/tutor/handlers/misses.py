"""`/review misses|skip|stop` and the answers to it: re-ask only the checklist items a learner
missed most, one focused prompt at a time, until each is covered once.

The review is the engine's value (engine/study/misses.py), kept in the study port between
messages. An answer is scored against the one item being asked, with the numbers its prompt
showed, by the same scorer as a reveal.
"""

from __future__ import annotations

from engine.content.loader import Content
from engine.drills.scoring import score
from engine.errors import NotFoundError, RungsError
from engine.ports import Clock, DrillStore, StudyStore, UserKey
from engine.replies import Reply
from engine.study import misses
from engine.study.misses import MissReview
from engine.tutor.presenters import misses as present
from engine.tutor.record import load_record


class MissReviewHandler:
    def __init__(
        self, drills: DrillStore, study: StudyStore, content: Content, clock: Clock
    ) -> None:
        self._drills = drills
        self._study = study
        self._content = content
        self._clock = clock

    async def handle(self, user: UserKey, action: str) -> Reply:
        if action == "stop":
            review = await self._load(user)
            if review is None or not await self._study.clear_miss_review(user):
                raise NotFoundError("No review of misses is running. /review misses starts one.")
            return present.stopped(review)
        if action == "skip":
            review = await self._load(user)
            if review is None:
                raise NotFoundError("No review of misses is running. /review misses starts one.")
            review = misses.skip(review)
            await self._save(user, review)
            return present.asking(self._content, review, "Skipped: it comes round again later.")
        return await self._start_or_show(user)

    async def _start_or_show(self, user: UserKey) -> Reply:
        review = await self._load(user)
        if review is not None:
            return present.asking(self._content, review, None)
        if await self._drills.running_session(user) is not None:
            raise RungsError("You have a drill running: /reveal it first, then /review misses.")
        record = await load_record(self._drills, user)
        review = misses.start_review(self._content, record.attempts)
        if review is None:
            raise NotFoundError(
                "Nothing missed yet: reveal a drill first (/drill), and /review misses re-asks "
                "the items you missed."
            )
        await self._save(user, review)
        return present.started(self._content, review)

    async def answer(self, user: UserKey, text: str) -> Reply | None:
        """Score an /answer against the item being asked; None when no review is running."""
        review = await self._load(user)
        if review is None:
            return None
        target = review.current
        assert target is not None  # a finished review is never kept
        drill = self._content.drills[target.drill_id]
        verdict = score(drill, misses.review_params(self._content, target), text)
        item = next(v for v in verdict.items if v.item.id == target.item_id)
        after = misses.answer(review, item.covered)
        if after.finished:
            await self._study.clear_miss_review(user)
            return present.finished(self._content, item, after)
        await self._save(user, after)
        return present.answered(self._content, item, after)

    async def _load(self, user: UserKey) -> MissReview | None:
        stored = await self._study.load_miss_review(user)
        if stored is None:
            return None
        try:
            review = misses.still_known(misses.decode(stored), self._content)
        except ValueError:
            review = None  # written by another version: start afresh rather than fail
        if review is None or review.finished:
            await self._study.clear_miss_review(user)
            return None
        return review

    async def _save(self, user: UserKey, review: MissReview) -> None:
        await self._study.save_miss_review(user, misses.encode(review), self._clock.now())
