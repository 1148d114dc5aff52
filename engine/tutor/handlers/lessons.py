"""The lesson family: /learn and /help. They read the content and the specs, nothing stored."""

from __future__ import annotations

import difflib
from typing import assert_never

from engine.commands import types as t
from engine.commands.help import help_reply
from engine.content.loader import Content
from engine.errors import UsageError
from engine.replies import Reply
from engine.tutor.presenters import lessons as present


class LessonHandler:
    def __init__(self, content: Content) -> None:
        self._content = content

    def handle(self, command: t.LessonCommand) -> Reply:
        match command:
            case t.LearnCommand(topic):
                return self._learn(topic)
            case t.HelpCommand(name, sub):
                return help_reply(name, sub)
            case _:
                assert_never(command)

    def _learn(self, topic: str | None) -> Reply:
        content = self._content
        if topic is None:
            return present.lesson_index_reply(list(content.lessons.values()))
        lesson = content.find_lesson(topic)
        if lesson is None:
            close = difflib.get_close_matches(topic, list(content.topics), n=1, cutoff=0.6)
            hint = f" Did you mean /learn {content.topics[close[0]]}?" if close else ""
            raise UsageError(
                f"There is no lesson on '{topic[:30]}'.{hint}", "/learn lists the topics."
            )
        titles = {lesson_id: item.title for lesson_id, item in content.lessons.items()}
        return present.lesson_reply(lesson, titles)
