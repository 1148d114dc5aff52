"""Users inside shared state are ids, never display names; names are put in when shown.

A channel's cluster (who has a session on which server, whose cookie names which server, who
wrote last) and its stored traces are shared by everybody in the channel and outlive any one
user's rows, so they hold a user only as a *reference*: `⟦<user id>⟧`, in brackets that no
other text of the simulation uses (request paths cannot contain them: the parser refuses
them). A reply resolves the references as it is shown: the caller's own to their display name,
anybody else's to a neutral word, since a display name is not kept anywhere shared. Forgetting
a user (/forget-me) looks for exactly this reference, so it finds them and nobody else.
"""

from __future__ import annotations

import re

from engine.pictures.diagram import TraceAnimation
from engine.pictures.from_cluster import with_trace_texts
from engine.replies import TraceSteps

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧
SOMEONE = "another learner"
_ANY_REF = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")


def ref(user_id: str) -> str:
    """How shared state names the user with this id."""
    return f"{OPEN}{user_id}{CLOSE}"


def is_ref(text: str) -> bool:
    return text.startswith(OPEN) and text.endswith(CLOSE)


def resolve(text: str, user_id: str, display_name: str) -> str:
    """`text` with this user's reference as their name, and every other one as SOMEONE."""
    return _resolved(text, ref(user_id), display_name)


def resolve_trace(block: TraceSteps, user_id: str, display_name: str) -> TraceSteps:
    """A stored trace as the user with this id and name is shown it. On every /trace, so only
    the texts that name someone are rebuilt."""
    mine = ref(user_id)
    steps = tuple(
        step._replace(text=_resolved(step.text, mine, display_name)) if OPEN in step.text else step
        for step in block.steps
    )
    return TraceSteps(
        _resolved(block.title, mine, display_name),
        steps,
        _resolved(block.summary, mine, display_name),
        block.trace_no,
        block.cursor,
    )


def resolve_animation(
    animation: TraceAnimation | None, user_id: str, display_name: str
) -> TraceAnimation | None:
    """A stored trace's picture as this user is shown it: its captions and alt texts name
    people as the trace's text does. Only the values that hold a reference are rebuilt; a
    picture that names nobody is returned as it is."""
    if animation is None:
        return None
    mine = ref(user_id)
    return with_trace_texts(animation, lambda text: _resolved(text, mine, display_name))


def _resolved(text: str, mine: str, display_name: str) -> str:
    if OPEN not in text:
        return text
    text = text.replace(mine, display_name)
    return _ANY_REF.sub(SOMEONE, text) if OPEN in text else text
