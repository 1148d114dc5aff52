# ruff: noqa: ASYNC109  # the wait_* helpers take a timeout: it bounds every wait in the tests
"""Interactions and their answers, with Discord's rules: one callback within 3 s of the
dispatch (later: ``404`` 10062; a second one: ``400`` 40060; a type the interaction does not
allow: 50035), then follow-ups and edits of ``@original`` with the token for 15 minutes (before
the callback or with an unknown token: ``404`` 10015)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
import secrets
import time
from collections.abc import Sequence

from .gateway import Gateway
from .limits import CALLBACK_CHECKS, message_errors
from .records import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    EPHEMERAL,
    JSON,
    LOADING,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Callback,
    DiscordError,
    InteractionState,
    Journal,
    Reply,
    RestCall,
    form_error,
    now_iso,
)
from .uploads import Upload
from .world import number_components

# The callback types Discord accepts for each interaction type.

ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}


class Interactions(Gateway):
    """Dispatching interactions, and the REST routes that answer them (callback, webhooks)."""

    callback_deadline: float
    token_ttl: float
    callbacks: Journal[Callback]
    calls: Journal[RestCall]
    interactions: dict[str, InteractionState]
    _by_token: dict[str, InteractionState]

    async def dispatch_interaction(self, payload: JSON) -> str:
        """Push INTERACTION_CREATE with a fresh id and token; the 3-s clock starts now."""
        interaction_id, token = self.snowflake(), "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        full = {**payload, "id": interaction_id, "token": token}
        interaction = InteractionState(interaction_id, token, full, time.perf_counter())
        self.interactions[interaction_id] = self._by_token[token] = interaction
        interaction.shards += await self.dispatch(
            "INTERACTION_CREATE", full, guild_id=payload.get("guild_id")
        )
        return interaction_id

    async def redeliver(self, interaction_id: str) -> None:
        """Deliver the same interaction again (what two sessions holding one shard see)."""
        interaction = self.interactions[interaction_id]
        payload = interaction.payload
        interaction.shards += await self.dispatch(
            "INTERACTION_CREATE", payload, guild_id=payload.get("guild_id")
        )

    def shards_of(self, interaction_id: str) -> list[tuple[int, int]]:
        """The shards of the sessions an interaction was delivered to, once per delivery."""
        return list(self.interactions[interaction_id].shards)

    async def wait_for_callback(self, interaction_id: str, timeout: float = 5.0) -> Callback:
        """The first callback for the interaction, with its body, status and elapsed time."""
        return await self.callbacks.wait(lambda c: c.interaction_id == interaction_id, timeout)

    async def wait_for_webhook(
        self, interaction_id: str, method: str = "POST", timeout: float = 5.0
    ) -> RestCall:
        """The first follow-up (POST) or edit (PATCH) made with the interaction's token."""
        token = self.interactions[interaction_id].token
        prefix = f"/webhooks/{self.application_id}/{token}"
        return await self.wait_for(
            lambda c: c.method == method and c.path.startswith(prefix), timeout
        )

    def callbacks_for(self, interaction_id: str) -> list[Callback]:
        return [c for c in self.callbacks.items if c.interaction_id == interaction_id]

    async def _callback(self, call: RestCall, match: re.Match[str]) -> Reply:
        interaction = self.interactions.get(match["iid"])
        if interaction is None or interaction.token != match["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        body = call.body if isinstance(call.body, dict) else {}
        callback = Callback(interaction.id, body, call.at - interaction.dispatched_at)
        try:
            message = self._accept_callback(interaction, callback, call.files)
        except DiscordError as error:
            callback.status, callback.response = error.status, error.body()
            self.callbacks.add(callback)
            raise
        reply = self._callback_response(interaction, callback.type, message)
        wanted = call.query.get("with_response", "").lower() in ("1", "true")
        callback.status, callback.response = (200, reply) if wanted else (204, None)
        callback.message = copy.deepcopy(message)
        self.callbacks.add(callback)
        return callback.status, callback.response

    def _accept_callback(
        self, interaction: InteractionState, callback: Callback, files: Sequence[Upload]
    ) -> JSON | None:
        if callback.elapsed > self.callback_deadline:
            raise DiscordError(404, 10062, "Unknown interaction")
        if interaction.acked_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        kind, data = callback.type, callback.data
        if kind not in ALLOWED_CALLBACKS[interaction.type]:
            raise form_error({"type": f"Callback type {kind} is not valid here."})
        if kind in (6, 7) and "message" not in interaction.payload:
            raise form_error({"type": "This interaction has no message to update."})
        check = CALLBACK_CHECKS.get(kind)
        problems = check(data) if check else {}
        if problems:
            raise form_error(problems, prefix="data.")
        interaction.acked_type = kind
        return self._apply_callback(interaction, kind, data, files)

    def _apply_callback(
        self, interaction: InteractionState, kind: int, data: JSON, files: Sequence[Upload]
    ) -> JSON | None:
        channel_id = interaction.payload["channel"]["id"]
        msg_type = 20 if interaction.type == APPLICATION_COMMAND else 0
        if kind == 4:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            message = self._new_message(
                data, channel_id=channel_id, flags=flags, msg_type=msg_type,
                interaction=interaction, files=files,
            )  # fmt: skip
        elif kind == 5:
            message = self._new_message(
                {}, channel_id=channel_id, msg_type=msg_type, interaction=interaction
            )
            message["flags"] = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
        elif kind in (6, 7):
            source = interaction.payload["message"]
            message = self.messages.setdefault(source["id"], copy.deepcopy(source))
            if kind == 7:
                self._write(message, data, files, default_parse=("users",))
                message["edited_timestamp"] = now_iso()
        else:
            if kind == 9:
                interaction.modal = copy.deepcopy(data)
                number_components(interaction.modal["components"])
            return None
        interaction.original_id = message["id"]
        return message

    def _callback_response(
        self, interaction: InteractionState, kind: int, message: JSON | None
    ) -> JSON:
        info: JSON = {"id": interaction.id, "type": interaction.type}
        resource: JSON = {"type": kind}
        if message is not None:
            info.update(
                response_message_id=message["id"],
                response_message_loading=bool(message["flags"] & LOADING),
                response_message_ephemeral=bool(message["flags"] & EPHEMERAL),
            )
            if kind in (4, 7):
                resource["message"] = message
        return {"interaction": info, "resource": resource}

    async def _settled(self, match: re.Match[str]) -> None:
        """Wait until an HTTP-mode interaction's response has been read (at most a moment)."""
        found = self._by_token.get(match["token"])
        if found is not None and not found.answered.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(found.answered.wait(), self.callback_deadline)

    def _webhook_interaction(self, match: re.Match[str]) -> InteractionState:
        found = self._by_token.get(match["token"])
        if match["app"] != self.application_id or found is None or found.acked_type is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if time.perf_counter() - found.dispatched_at > self.token_ttl:
            raise DiscordError(401, 50027, "Invalid Webhook Token")
        return found

    def _webhook_message(self, interaction: InteractionState, message_id: str) -> JSON:
        target = interaction.original_id if message_id == "@original" else message_id
        owned = {interaction.original_id, *interaction.followups}
        if target is None or target not in owned or target not in self.messages:
            raise DiscordError(404, 10008, "Unknown Message")
        return self.messages[target]

    async def _followup(self, call: RestCall, match: re.Match[str]) -> Reply:
        await self._settled(match)
        interaction = self._webhook_interaction(match)
        data = call.body if isinstance(call.body, dict) else {}
        problems = message_errors(data)
        if problems:
            raise form_error(problems)
        original = self.messages.get(interaction.original_id or "")
        if interaction.acked_type == 5 and original and original["flags"] & LOADING:
            # Deprecated but real: the first follow-up after a defer edits the loading message.
            message = original
            self._write(message, data, call.files, default_parse=("users",))
        else:
            flags = int(data.get("flags") or 0) & EPHEMERAL
            channel_id = interaction.payload["channel"]["id"]
            message = self._new_message(
                data, channel_id=channel_id, flags=flags, interaction=interaction, files=call.files
            )
            interaction.followups.append(message["id"])
        wait = call.query.get("wait", "").lower() in ("1", "true")
        return (200, message) if wait else (204, None)

    async def _webhook_get(self, call: RestCall, match: re.Match[str]) -> Reply:
        await self._settled(match)
        return 200, self._webhook_message(self._webhook_interaction(match), match["mid"])

    async def _webhook_edit(self, call: RestCall, match: re.Match[str]) -> Reply:
        await self._settled(match)
        message = self._webhook_message(self._webhook_interaction(match), match["mid"])
        data = call.body if isinstance(call.body, dict) else {}
        problems = message_errors(data)
        if problems:
            raise form_error(problems)
        self._write(message, data, call.files, default_parse=("users",))
        message["edited_timestamp"] = now_iso()
        return 200, message

    async def _webhook_delete(self, call: RestCall, match: re.Match[str]) -> Reply:
        await self._settled(match)
        message = self._webhook_message(self._webhook_interaction(match), match["mid"])
        del self.messages[message["id"]]
        return 204, None
