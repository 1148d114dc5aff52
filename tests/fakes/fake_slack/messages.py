"""Messages (chat.postMessage, chat.postEphemeral, chat.update) and response_urls.

The fake keeps every message by ``(channel, ts)`` so tests read its current state. Rules:
platforms.md sections 1.6 and 3 (50 blocks, a text fallback, 5 uses of a response_url within
30 minutes); an ephemeral message can only change through a response_url, as in Slack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .base import ApiError, Clock, Ids
from .limits import message_errors, refusal
from .payloads import FAKE_ONLY, Workspace

JSON = dict[str, Any]
Handler = Callable[[JSON], JSON]
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5


@dataclass
class ResponseUrl:
    key: str
    channel_id: str
    user_id: str
    original: tuple[str, str] | None  # (channel, ts) of the message a click came from
    issued_at: float
    uses: int = 0


def conversation(channel: str) -> str:
    """Posting to a user id posts into the app's DM with that user, as Slack does."""
    return f"D{channel[1:]}" if channel[:1] in {"U", "W"} else channel


def public(message: JSON) -> JSON:
    """A stored message as Slack shows it (without the fake's bookkeeping keys)."""
    return {k: v for k, v in message.items() if k not in FAKE_ONLY}


class MessageStore:
    def __init__(self, ws: Workspace, clock: Clock, ids: Ids) -> None:
        self.ws, self.clock, self.ids = ws, clock, ids
        self.messages: dict[tuple[str, str], JSON] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.warnings: list[str] = []
        # Channels the app was removed from: posts there are refused with not_in_channel.
        self.not_in: set[str] = set()

    def handlers(self) -> dict[str, Handler]:
        return {
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update_message,
            "conversations.open": self.open_conversation,
        }

    def _check(self, source: str, fields: JSON, *, status: int = 200) -> None:
        errors = message_errors(fields.get("blocks"))
        if errors:
            raise ApiError("invalid_blocks", status=status, body=refusal("invalid_blocks", errors))
        text = fields.get("text")
        has_text = isinstance(text, str) and text.strip() != ""
        if not (has_text or fields.get("blocks") or fields.get("attachments")):
            raise ApiError("no_text", status=status)
        if fields.get("blocks") and not has_text:
            # slack_sdk warns about this; Rungs wants a fallback on every message.
            self.warnings.append(f"{source}: blocks without a top-level text fallback")

    def _content(self, fields: JSON) -> JSON:
        content: JSON = {"text": fields.get("text", "")}
        if fields.get("blocks"):
            # Slack gives every block a block_id; payloads of later clicks carry it.
            content["blocks"] = [
                {"block_id": self.ids.new("b"), **block} if isinstance(block, dict) else block
                for block in fields["blocks"]
            ]
        return content

    def _replace_content(self, message: JSON, fields: JSON, *, keep_missing: bool) -> None:
        """chat.update keeps what it is not given (``blocks=[]`` drops the blocks);
        replace_original replaces the whole message."""
        content = self._content(fields)
        if keep_missing and "text" not in fields:
            content.pop("text")
        if not keep_missing or "blocks" in fields:
            message.pop("blocks", None)
        message.update(content)

    def store(self, channel: str, fields: JSON, ephemeral_to: str | None = None) -> JSON:
        message: JSON = {
            "type": "message",
            "channel": channel,
            "ts": self.ids.ts(),
            "user": self.ws.bot_user_id,
            "bot_id": self.ws.bot_id,
            "app_id": self.ws.api_app_id,
            "team": self.ws.team_id,
            **self._content(fields),
        }
        if fields.get("thread_ts"):
            message["thread_ts"] = fields["thread_ts"]
        if ephemeral_to is not None:
            message["ephemeral_to"] = ephemeral_to
        self.messages[channel, message["ts"]] = message
        return message

    def post_message(self, body: JSON) -> JSON:
        channel = body.get("channel")
        if not channel:
            raise ApiError("channel_not_found")
        if str(channel) in self.not_in:
            raise ApiError("not_in_channel")
        self._check("chat.postMessage", body)
        message = self.store(conversation(str(channel)), body)
        return {
            "ok": True,
            "channel": message["channel"],
            "ts": message["ts"],
            "message": public(message),
        }

    def open_conversation(self, body: JSON) -> JSON:
        """The app's DM with one user (`users`; Slack also opens group DMs with several, which
        the app never does): its id, the same one each time."""
        users = [u for u in str(body.get("users") or "").split(",") if u]
        if not users:
            raise ApiError("users_list_not_supplied")
        if len(users) != 1 or users[0][:1] not in {"U", "W"}:
            raise ApiError("user_not_found")
        return {"ok": True, "channel": {"id": conversation(users[0])}}

    def post_ephemeral(self, body: JSON) -> JSON:
        channel, user = body.get("channel"), body.get("user")
        if not channel:
            raise ApiError("channel_not_found")
        if not user:
            raise ApiError("user_not_found")
        self._check("chat.postEphemeral", body)
        message = self.store(conversation(str(channel)), body, ephemeral_to=str(user))
        return {"ok": True, "message_ts": message["ts"]}  # Slack's shape: no channel, no ts

    def update_message(self, body: JSON) -> JSON:
        key = (str(body.get("channel")), str(body.get("ts")))
        message = self.messages.get(key)
        if message is None or "ephemeral_to" in message:  # ephemerals change via response_url only
            raise ApiError("message_not_found")
        self._check("chat.update", body)
        self._replace_content(message, body, keep_missing=True)
        channel, ts = key
        return {"ok": True, "channel": channel, "ts": ts, "message": public(message)}

    # -- response_urls -----------------------------------------------------------------------

    def register_response_url(
        self, key: str, channel_id: str, user_id: str, original: tuple[str, str] | None
    ) -> None:
        self.response_urls[key] = ResponseUrl(key, channel_id, user_id, original, self.clock.now())

    def respond(self, key: str, body: JSON) -> JSON:
        """A POST to a response_url; failures answer 4xx, as webhooks do."""
        url = self.response_urls.get(key)
        if url is None:
            raise ApiError("invalid_url", status=404)
        if self.clock.now() - url.issued_at > RESPONSE_URL_TTL:
            raise ApiError("expired_url", status=404)
        if url.uses >= RESPONSE_URL_USES:
            raise ApiError("used_url", status=404)
        wants_original = bool(body.get("delete_original") or body.get("replace_original"))
        original = self.messages.get(url.original) if url.original else None
        if wants_original and url.original is not None and original is None:
            raise ApiError("message_not_found", status=404)  # deleted meanwhile
        if body.get("delete_original"):
            if url.original is None:
                raise ApiError("message_not_found", status=404)
            del self.messages[url.original]
        else:
            self._check("response_url", body, status=400)
            if original is not None and body.get("replace_original"):
                self._replace_content(original, body, keep_missing=False)
            elif body.get("response_type") == "in_channel":
                self.store(url.channel_id, body)
            else:  # a response_url answers privately unless told otherwise
                self.store(url.channel_id, body, ephemeral_to=url.user_id)
        url.uses += 1
        return {"ok": True}
