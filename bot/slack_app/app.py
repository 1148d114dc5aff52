"""The Slack adapter: Bolt requests in, Tutor replies out. No rules and no state here.

Every listener acknowledges first (Slack gives 3 seconds), then asks the Tutor and answers
through the request's `response_url`, or the Web API where a request has none (modals, the App
Home). Everything a later request needs is in the store or in the payload (button values, the
modal's private metadata), so any replica can serve any request, and buttons work after a
restart.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_app import home, modal, uploads
from bot.slack_app.actors import actor_of_action, actor_of_command, actor_of_view, is_dm
from bot.slack_app.admins import AdminCheck
from bot.slack_app.once import once_middleware
from bot.slack_app.render import SlackMessage, engine_id, render
from bot.slack_app.responses import ResponseSender
from engine.commands import buttons
from engine.commands.incoming import Incoming, Options, Pressed
from engine.commands.parser import form_of_text
from engine.commands.types import ProgressCommand
from engine.ports import Clock
from engine.replies import Reply, Visibility
from engine.tutor import Actor, Tutor
from engine.tutor.presenters.errors import internal_error_reply

log = logging.getLogger(__name__)

UMBRELLA = "/rungs"


def build_app(
    tutor: Tutor,
    clock: Clock,
    client: AsyncWebClient,
    signing_secret: str | None,
    responses: ResponseSender,
    admins: AdminCheck | None = None,
) -> AsyncApp:
    """The Bolt app with every Rungs listener. `client` carries the bot token and the Web API
    address (a proxy, or a fake in the tests). HTTP mode verifies every request's signature
    with `signing_secret`; Socket Mode (None) needs none: the connection is authenticated."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,
        name="rungs",
    )
    adapter = SlackAdapter(tutor, clock, responses, admins or AdminCheck(frozenset()))
    app.middleware(once_middleware(tutor))  # retries and replays are acknowledged, not re-applied
    app.command(re.compile(r"^/[a-z][a-z\-]*$"))(adapter.on_command)
    app.action(re.compile(r"^r1:"))(adapter.on_action)
    app.view(modal.ANSWER_CALLBACK)(adapter.on_answer_submitted)
    app.event("app_home_opened")(adapter.on_home_opened)
    app.error(adapter.on_error)
    return app


class SlackAdapter:
    def __init__(
        self, tutor: Tutor, clock: Clock, responses: ResponseSender, admins: AdminCheck
    ) -> None:
        self._tutor = tutor
        self._clock = clock
        self._responses = responses
        self._admins = admins

    async def on_command(
        self,
        ack: Callable[[], Awaitable[None]],
        command: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        await ack()
        response_url = str(command.get("response_url", ""))
        line = command_line(str(command.get("command", "")), str(command.get("text", "")))
        actor = actor_of_command(command)
        try:
            form = form_of_text(line)  # `/answer` alone opens the answer form
            if form is not None:
                trigger = str(command["trigger_id"])
                await modal.open_answer(client, trigger, actor.channel_id, form)
                return
            # Asking Slack costs a call: the Tutor asks only for a command whose rules need it.
            check = partial(self._admins.is_admin, client, actor.user_id)
            reply = await self._tutor.handle_text(replace(actor, admin_check=check), line)
            where = uploads.Where(str(command.get("channel_id") or ""), user_id=actor.user_id)
            await self._answer(client, response_url, reply, where, replace=False)
        except Exception:  # noqa: BLE001 - _apologise logs it with its traceback
            await self._apologise(response_url, "slash command")

    async def on_action(
        self,
        ack: Callable[[], Awaitable[None]],
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        await ack()
        response_url = str(body.get("response_url") or "")
        press = buttons.read_button(engine_id(action))
        actor = actor_of_action(body)
        try:
            if press.form is not None:  # a drill's or a challenge's Answer
                trigger = str(body["trigger_id"])
                await modal.open_answer(client, trigger, actor.channel_id, press.action_id)
                return
            pressed: Incoming = press.command or Pressed(press.action_id)
            reply = await self._tutor.handle(actor, pressed)
            if response_url:
                where, ephemeral = _container(body)
                # A refusal (a trace no longer kept, a forged id) is the presser's alone: it
                # never replaces the message the button sits on, which is the channel's.
                edits = press.edits_message and not reply.is_error
                await self._answer(client, response_url, reply, where, edits, ephemeral)
            else:  # a button in the App Home: no message to answer, so write to the DM
                await self._post_to_user(client, actor, reply)
        except Exception:  # noqa: BLE001 - _apologise logs it with its traceback
            await self._apologise(response_url, "button")

    async def on_answer_submitted(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        text = modal.submitted_text(view)
        if not text.strip():
            await ack(response_action="errors", errors={modal.SKETCH_BLOCK: "Write your sketch."})
            return
        await ack()
        actor = actor_of_view(body, modal.channel_of(view))
        form = buttons.answer_form(modal.form_of(view)) or buttons.AnswerForm(None)
        try:
            options = {"text": text, **form.options}
            reply = await self._tutor.handle(actor, Options("answer", None, options))
            await self._post_privately(client, actor, reply)
        except Exception:  # noqa: BLE001 - logged with its traceback by _log_failure
            ref = _log_failure("answer form")
            await self._post_privately(client, actor, _sorry(ref))

    async def on_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event["user"])
        actor = Actor("slack", str(body.get("team_id", "")), user_id, user_id)
        progress = await self._tutor.handle(actor, ProgressCommand())
        view = home.home_view(render(progress, now=self._clock.now()))
        await client.views_publish(user_id=user_id, view=view)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Errors Bolt catches outside our listeners' own nets; the listener-level nets above
        answer the user, this one only keeps a record."""
        _log_failure(f"bolt ({type(error).__name__})")

    async def _answer(
        self,
        client: AsyncWebClient,
        response_url: str,
        reply: Reply,
        where: uploads.Where,
        replace: bool,
        ephemeral: bool | None = None,
    ) -> None:
        """The reply in words through the response_url, then its pictures as files where
        they can go (uploads.py); where they cannot, the words say so."""
        private = reply.visibility is Visibility.PRIVATE if ephemeral is None else ephemeral
        reply = await uploads.send_documents(client, reply, where)
        if reply.figures and not where.takes_files(private):
            reply = uploads.in_words(reply)
        await self._send(response_url, reply, replace)
        if reply.figures:

            async def note(text: str) -> None:
                body = {"text": text, "response_type": "ephemeral", "replace_original": False}
                await self._responses.send(response_url, body)

            await uploads.share(client, reply, where, private, note)

    async def _send(self, response_url: str, reply: Reply, replace: bool) -> None:
        message = render(reply, now=self._clock.now())
        await self._responses.send(response_url, response_body(message, replace))

    async def _post_privately(self, client: AsyncWebClient, actor: Actor, reply: Reply) -> None:
        message = render(reply, now=self._clock.now())
        if actor.channel_id is not None and not is_dm(actor.channel_id):
            await client.chat_postEphemeral(
                channel=actor.channel_id,
                user=actor.user_id,
                text=message.text,
                blocks=message.blocks,
            )
        else:
            await self._post_to_user(client, actor, reply, message)

    async def _post_to_user(
        self,
        client: AsyncWebClient,
        actor: Actor,
        reply: Reply,
        message: SlackMessage | None = None,
    ) -> None:
        """A message in the user's DM with the app (posting to a user id opens it)."""
        message = message or render(reply, now=self._clock.now())
        await client.chat_postMessage(
            channel=actor.user_id, text=message.text, blocks=message.blocks
        )

    async def _apologise(self, response_url: str | None, what: str) -> None:
        ref = _log_failure(what)
        if not response_url:
            return
        try:
            await self._send(response_url, _sorry(ref), replace=False)
        except Exception:  # noqa: BLE001 - the failure itself is logged already
            log.warning("could not tell the user about failure [ref %s]", ref)


def _container(body: dict[str, Any]) -> tuple[uploads.Where, bool]:
    """Where a clicked message is, and whether it is ephemeral (only its reader sees it)."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ts = container.get("message_ts")
    user = str((body.get("user") or {}).get("id") or "")
    where = uploads.Where(channel, str(ts) if ts else None, user)
    return where, bool(container.get("is_ephemeral"))


def command_line(command: str, text: str) -> str:
    """The typed line the Tutor parses: `/trace GET /u/7`, or `/rungs trace GET /u/7`."""
    text = text.strip()
    if command == UMBRELLA:
        return "/" + text.removeprefix("/") if text else "/help"
    return f"{command} {text}".rstrip()


def response_body(message: SlackMessage, replace: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"text": message.text, "blocks": message.blocks}
    if replace:
        body["replace_original"] = True
    else:
        body["response_type"] = "ephemeral" if message.ephemeral else "in_channel"
        body["replace_original"] = False
    return body


def _log_failure(what: str) -> str:
    ref = secrets.token_hex(4)
    log.exception("%s failed [ref %s]", what, ref)
    return ref


def _sorry(ref: str) -> Reply:
    return internal_error_reply(ref)
