"""/export, the counterpart of /forget-me: everything stored about the caller, as one JSON
document only they get. What the store found (engine/ports/exports.py) goes out as it is
stored: their own rows whole; the shared documents that mention them (a channel's cluster
holding their session, a channel's trace) by id only, because the rest of those is other
learners'. /forget-me deletes or anonymises exactly what this lists."""

from __future__ import annotations

import json
import re

from engine.ports import Clock, ExportStore, UserRecords, Wanted
from engine.replies import Document, Notice, Reply
from engine.text.counts import count
from engine.tutor import names
from engine.tutor.actor import Actor

MEDIA_TYPE = "application/json"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
ABOUT_MENTIONS = (
    "Shared documents that mention you (a channel's simulated cluster holding your session, a "
    "channel's stored trace): by id only, since the rest of each is other learners'. They hold "
    "you by id, never by name; /forget-me takes you out of them."
)


class Exporting:
    def __init__(self, store: ExportStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def export(self, actor: Actor) -> Reply:
        wanted = Wanted(actor.user_key, actor.own_scope, names.ref(actor.user_id))
        found = await self._store.export_user(wanted)
        data = document(actor, found, self._clock.now().isoformat())
        name = file_name(actor)
        tables = len(found.own) + len(found.mentions)
        summary = (
            f"Everything Rungs stores about you: {count(found.count, 'record')} in "
            f"{count(tables, 'table')}, in {name} (JSON, only for you). /forget-me deletes it."
        )
        return Reply((Notice(summary), Document(name, MEDIA_TYPE, data, summary)))


def document(actor: Actor, found: UserRecords, exported_at: str) -> bytes:
    doc = {
        "about": "Everything Rungs stores about this user, as stored.",
        "user": {
            "platform": actor.platform,
            "workspace": actor.workspace,
            "user_id": actor.user_id,
        },
        "exported_at": exported_at,
        "yours": {table: list(rows) for table, rows in found.own.items()},
        "mentioned_in": {table: list(rows) for table, rows in found.mentions.items()},
        "about_mentioned_in": ABOUT_MENTIONS,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False).encode()


def file_name(actor: Actor) -> str:
    """`rungs-export-slack-U07ABC.json`: a plain name whatever the ids hold."""
    who = _UNSAFE.sub("_", f"{actor.platform}-{actor.user_id}")[:60].strip("_") or "user"
    return f"rungs-export-{who}.json"
