"""Tokens never reach a log line, whoever logs them (our code or a platform library)."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import MASK, RedactSecrets, redact

SLACK_BOT = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP = "xapp-1-A0123456789-1234567890123-abcdef0123456789"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.mark.parametrize("secret", [SLACK_BOT, SLACK_APP, DISCORD])
def test_tokens_are_masked(secret: str) -> None:
    line = f"calling with token={secret} now"
    assert redact(line) == f"calling with token={MASK} now"


def test_socket_mode_tickets_and_authorization_headers_are_masked() -> None:
    assert "s3cr3t" not in redact("wss://wss.slack.com/link/?ticket=s3cr3t-1&app_id=A1")
    assert "Bot abc" not in redact("{'Authorization': 'Bot abc.def'}")
    # slack_sdk's own redaction is left as it is.
    assert redact("{'Authorization': '(redacted)'}") == "{'Authorization': '(redacted)'}"


def test_ordinary_text_is_untouched() -> None:
    line = "trace GET /u/7 took 3.2 ms in channel C123 for user U42 (xox is not a token)"
    assert redact(line) == line


def test_the_filter_masks_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("rungs.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("token %s refused", SLACK_BOT)
        try:
            raise RuntimeError(f"bad token {SLACK_APP}")
        except RuntimeError:
            logger.exception("start-up failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert SLACK_BOT not in written
    assert SLACK_APP not in written
    assert written.count(MASK) == 2
    assert "RuntimeError" in written
