# ruff: noqa: ASYNC109  # the wait helpers take a timeout on purpose: it bounds every wait
"""FakeSlack: one aiohttp server on 127.0.0.1:0 with the Web API, response_urls and Socket Mode,
plus the client side of Slack: building and signing the requests it sends to an app."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from . import payloads
from .files import StoredFile
from .messages import conversation
from .payloads import Outgoing, Workspace, signature_headers
from .records import Call, Match, Recorder
from .socket_mode import Ack, SocketMode
from .web_api import WebApi

JSON = dict[str, Any]
USER_ID, USER_NAME = "U0LEARNER", "learner"
CHANNEL_ID, CHANNEL_NAME = "C0STUDY", "study"
RESPONSE_URL_NUMBER = "4271834211"  # the number Slack puts before a response_url's secret
SLACKBOT_UA = "Slackbot 1.0 (+https://api.slack.com/robots)"


class FakeSlack:
    """``async with FakeSlack() as fake:`` then point ``AsyncWebClient(base_url=fake.api_url)``
    and ``AsyncApp(signing_secret=fake.signing_secret)`` at it."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-1-rungs-fake",
        app_token: str = "xapp-1-A0RUNGS-rungs-fake",
        signing_secret: str = "fake-signing-secret",
        workspace: Workspace | None = None,
    ) -> None:
        self.workspace = workspace or Workspace()
        self.bot_token, self.app_token = bot_token, app_token
        self.signing_secret = signing_secret
        self.recorder = Recorder()
        self.api = WebApi(self.workspace, bot_token, app_token, self.recorder)
        self.socket = SocketMode(self.workspace)
        self.api.issue_ws_url = self.socket.issue_url
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> Self:
        app = web.Application()
        app.add_routes([*self.api.routes(), *self.socket.routes()])
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self.api.uploads.upload_base = self.url
        self.socket.base_url = f"ws://{host}:{port}"
        self._session = aiohttp.ClientSession()
        return self

    async def close(self) -> None:
        await self.socket.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def api_url(self) -> str:
        """The ``base_url`` for ``AsyncWebClient`` (with the trailing slash urljoin needs)."""
        return f"{self.url}/api/"

    # -- what the fake saw -------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        return self.recorder.calls

    def calls_to(self, match: Match) -> list[Call]:
        return self.recorder.find(match)

    async def wait_for(self, match: Match, *, timeout: float = 2.0, nth: int = 1) -> Call:
        """The ``nth`` call whose method is ``match`` (or that ``match(call)`` accepts)."""
        return await self.recorder.wait_for(match, timeout=timeout, nth=nth)

    @property
    def warnings(self) -> list[str]:
        return self.api.chat.warnings

    @property
    def messages(self) -> dict[tuple[str, str], JSON]:
        return self.api.chat.messages

    def message(self, channel: str, ts: str) -> JSON | None:
        """The current state of a message (``ephemeral_to`` marks an ephemeral one)."""
        return self.api.chat.messages.get((channel, ts))

    def messages_in(self, channel: str, *, shares: bool = False) -> list[JSON]:
        """The messages of a channel in ts order (a user id means the app's DM with them);
        the messages sharing uploaded files (a reply's pictures) only with ``shares``."""
        channel = conversation(channel)
        return [
            m
            for (c, _), m in sorted(self.api.chat.messages.items())
            if c == channel and (shares or not m.get("upload"))
        ]

    def shares_in(self, channel: str) -> list[JSON]:
        """The messages sharing uploaded files in a channel (or in its threads), in ts order."""
        return [m for m in self.messages_in(channel, shares=True) if m.get("upload")]

    @staticmethod
    def dm_channel(user_id: str) -> str:
        """The id of the app's DM with ``user_id`` (where ``chat.postMessage(channel=user_id)``
        lands)."""
        return conversation(user_id)

    @property
    def files(self) -> dict[str, StoredFile]:
        """Every file an upload started, by id: its bytes, alt text and where it was shared."""
        return self.api.uploads.files

    @property
    def views(self) -> dict[str, JSON]:
        return self.api.views.views

    @property
    def home_views(self) -> dict[str, JSON]:
        return self.api.views.home_views

    # -- steering ----------------------------------------------------------------------------

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer 429 with ``Retry-After``."""
        self.api.rate_limits.setdefault(method, []).extend([retry_after] * times)

    def delay(self, method: str, seconds: float) -> None:
        """Every later call of ``method`` is carried out at once and answered ``seconds`` later
        (a slow Web API: a post is in the channel before its poster hears of it)."""
        self.api.delays[method] = seconds

    def answer(self, method: str, response: JSON) -> None:
        """Answer every later call of ``method`` with ``response`` (a method the fake lacks,
        or an error such as ``{"ok": False, "error": "channel_not_found"}``)."""
        self.api.canned[method] = response

    def advance(self, seconds: float) -> None:
        """Move the fake's clock (trigger_id and response_url expiry); Bolt's is untouched."""
        self.api.clock.offset += seconds

    def issue_trigger_id(self) -> str:
        return self.api.views.issue_trigger_id()

    def response_url(
        self,
        key: str | None = None,
        *,
        channel_id: str = CHANNEL_ID,
        user_id: str = USER_ID,
        message_ts: str | None = None,
    ) -> str:
        """A live response_url, shaped as Slack's (``{url}/commands/<team>/<number>/<key>``:
        the last part is the secret); ``message_ts`` names the original message."""
        key = key or uuid.uuid4().hex
        original = (channel_id, message_ts) if message_ts else None
        self.api.chat.register_response_url(key, channel_id, user_id, original)
        return f"{self.url}/commands/{self.workspace.team_id}/{RESPONSE_URL_NUMBER}/{key}"

    # -- requests Slack sends to the app --------------------------------------------------------

    def slash_command(
        self,
        command: str = "/rungs",
        text: str = "",
        *,
        user_id: str = USER_ID,
        user_name: str = USER_NAME,
        channel_id: str = CHANNEL_ID,
        channel_name: str = CHANNEL_NAME,
    ) -> Outgoing:
        return payloads.slash_command(
            self.workspace,
            command=command,
            text=text,
            user_id=user_id,
            user_name=user_name,
            channel_id=channel_id,
            channel_name=channel_name,
            response_url=self.response_url(channel_id=channel_id, user_id=user_id),
            trigger_id=self.issue_trigger_id(),
        )

    def block_actions(
        self,
        action_id: str,
        *,
        message_ts: str,
        channel_id: str = CHANNEL_ID,
        user_id: str = USER_ID,
        user_name: str = USER_NAME,
        channel_name: str = CHANNEL_NAME,
        value: str | None = None,
    ) -> Outgoing:
        """A click on the button ``action_id`` of a message the fake holds (posted through it)."""
        message = self.message(channel_id, message_ts)
        if message is None:
            raise LookupError(f"the fake holds no message {channel_id}/{message_ts}")
        return payloads.block_actions(
            self.workspace,
            message=message,
            action_id=action_id,
            user_id=user_id,
            user_name=user_name,
            channel_name=channel_name,
            response_url=self.response_url(
                channel_id=channel_id, user_id=user_id, message_ts=message_ts
            ),
            trigger_id=self.issue_trigger_id(),
            value=value,
        )

    def view_actions(
        self,
        action_id: str,
        *,
        view_id: str,
        user_id: str = USER_ID,
        user_name: str = USER_NAME,
        value: str | None = None,
    ) -> Outgoing:
        """A click on a button in a view the fake holds (a modal or a user's App Home)."""
        views = [*self.api.views.views.values(), *self.api.views.home_views.values()]
        view = next((v for v in views if v["id"] == view_id), None)
        if view is None:
            raise LookupError(f"the fake holds no view {view_id}")
        return payloads.view_actions(
            self.workspace,
            view=view,
            action_id=action_id,
            user_id=user_id,
            user_name=user_name,
            trigger_id=self.issue_trigger_id(),
            value=value,
        )

    def view_submission(
        self,
        view_id: str,
        values: Mapping[str, Mapping[str, str | JSON]],
        *,
        user_id: str = USER_ID,
        user_name: str = USER_NAME,
    ) -> Outgoing:
        """Submitting an open modal with ``values`` = {block_id: {action_id: text}}."""
        return payloads.view_submission(
            self.workspace,
            view=self.api.views.views[view_id],
            values=values,
            user_id=user_id,
            user_name=user_name,
            trigger_id=self.issue_trigger_id(),
        )

    def event_callback(self, event: JSON) -> Outgoing:
        return payloads.event_callback(self.workspace, event)

    def app_home_opened(self, user_id: str = USER_ID) -> Outgoing:
        event: JSON = {"type": "app_home_opened", "user": user_id}
        event |= {"channel": conversation(user_id), "tab": "home"}
        if user_id in self.api.views.home_views:  # Slack includes the view it currently shows
            event["view"] = self.api.views.home_views[user_id]
        return self.event_callback(event)

    async def send(
        self,
        app_url: str,
        body: str,
        content_type: str,
        secret: str | None = None,
        timestamp: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, float]:
        """POST a signed ``body``; returns (status, body text, seconds until the answer).

        ``secret``/``timestamp`` override the signing secret and the Unix time that is signed
        (``int(time.time()) - 301`` is a replay Bolt refuses)."""
        assert self._session is not None, "start the fake first"
        ts = int(time.time()) if timestamp is None else timestamp
        signed = signature_headers(self.signing_secret if secret is None else secret, ts, body)
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": SLACKBOT_UA,
            **signed,
            **(headers or {}),
        }
        started = time.perf_counter()
        async with self._session.post(app_url, data=body.encode(), headers=all_headers) as answer:
            text = await answer.text()
        return answer.status, text, time.perf_counter() - started

    async def deliver(
        self, app_url: str, outgoing: Outgoing, **overrides: Any
    ) -> tuple[int, str, float]:
        """``send`` for a built request; ``overrides`` go to ``send`` (secret, timestamp…)."""
        return await self.send(app_url, outgoing.body, outgoing.content_type, **overrides)

    # -- Socket Mode -------------------------------------------------------------------------

    @property
    def acks(self) -> dict[str, Ack]:
        return self.socket.acks

    async def wait_connected(self, *, nth: int = 1, timeout: float = 2.0) -> None:
        await self.socket.wait_connected(nth=nth, timeout=timeout)

    async def push(
        self,
        outgoing: Outgoing,
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Send ``outgoing`` as a Socket Mode envelope; returns the ``envelope_id``."""
        return await self.socket.push(
            outgoing.envelope_type,
            outgoing.payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    async def wait_ack(self, envelope_id: str, *, timeout: float = 2.0) -> Ack:
        return await self.socket.wait_ack(envelope_id, timeout=timeout)

    async def request_disconnect(self, reason: str = "refresh_requested") -> None:
        await self.socket.request_disconnect(reason)
