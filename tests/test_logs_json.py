"""JSON log lines with the correlation id, and the masking of Discord interaction and webhook
tokens and Slack response URLs, in text and JSON alike."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.logs import MASK, CorrelationFilter, JsonFormatter, RedactSecrets, redact
from engine.correlation import correlated, current

INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpYeFl5WnoxMjM0NTY3ODkw"
WEBHOOK_TOKEN = "Zq1-Bv8_kLmNoPqRsTuVwXyZ0123456789abcdEFGHIJKLmnopqrstuvwxyz0"
SLACK_HOOK = "https://hooks.slack.com/commands/T0123ABCD/456789012345/AbCdEfGhIjKlMnOpQrStUvWx"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            f"POST https://discord.com/api/v10/interactions/1234567890123/{INTERACTION_TOKEN}"
            "/callback?with_response=1 with {'type': 4} has returned 204",
            "/interactions/1234567890123/[secret]/callback?with_response=1",
        ),
        (
            f"PATCH https://discord.com/api/v10/webhooks/99887766/{INTERACTION_TOKEN}"
            "/messages/@original has returned 200",
            "/webhooks/99887766/[secret]/messages/@original",
        ),
        (
            f"POST http://127.0.0.1:8080/api/v10/webhooks/42/{WEBHOOK_TOKEN}?wait=1",
            "/webhooks/42/[secret]?wait=1",
        ),
        (f"respond() to {SLACK_HOOK} failed", "to https://hooks.slack.com/[secret] failed"),
        (
            "body: token=x&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2Fs3"
            "&trigger_id=13345224609.738474920.8088930838d88f008e0",
            "response_url=https%3A%2F%2Fhooks.slack.com/[secret]&trigger_id=",
        ),
        (
            '{"response_url":"https:\\/\\/hooks.slack.com\\/actions\\/T1\\/2\\/s3cr3t","x":1}',
            '"https:\\/\\/hooks.slack.com/[secret]","x":1}',
        ),
        (  # Slack's verification token, in an envelope Bolt logs at DEBUG, and in a form
            '{"token": "fake-verification-token", "team_id": "T1"} token=AbC123&team_id=T1',
            '{"token": "[secret]", "team_id": "T1"} token=[secret]&team_id=T1',
        ),
        (  # GovSlack's hooks, or any host in front of them: masked by their shape
            "url: https://hooks.slack-gov.com/commands/T0123ABCD/456789012345/AbCdEfGhIjKl",
            "https://hooks.slack-gov.com/commands/T0123ABCD/456789012345/[secret]",
        ),
        (
            "Sending a request - url: http://127.0.0.1:9/actions/E01GRID/77/AbCdEfGhXyZ, query",
            "http://127.0.0.1:9/actions/E01GRID/77/[secret], query",
        ),
        (
            f"{{'id': '1', 'token': '{INTERACTION_TOKEN}', 'type': 2}}",
            "'token': '[secret]', 'type': 2}",
        ),
    ],
)
def test_interaction_tokens_and_response_urls_are_masked(line: str, kept: str) -> None:
    cleaned = redact(line)
    assert INTERACTION_TOKEN not in cleaned
    assert WEBHOOK_TOKEN not in cleaned
    assert "AbCdEfGh" not in cleaned
    assert kept in cleaned


def test_urls_without_secrets_are_left_alone() -> None:
    line = "GET https://discord.com/api/v10/users/@me and https://slack.com/api/auth.test: 200"
    assert redact(line) == line


@pytest.fixture
def json_logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(CorrelationFilter())
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("rungs.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_json_line_carries_the_correlation_id(
    json_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_logger
    logger.info("before")
    with correlated("1a2b3c4d") as ref:
        assert current() == ref == "1a2b3c4d"
        logger.warning("inside %s", "the command")
        with correlated() as inner:
            logger.debug("a job of its own")
    logger.info("after")
    written = lines(stream)
    assert [line["message"] for line in written] == [
        "before",
        "inside the command",
        "a job of its own",
        "after",
    ]
    assert [line["correlation_id"] for line in written] == [None, "1a2b3c4d", inner, None]
    assert inner != "1a2b3c4d"
    assert written[1]["level"] == "WARNING"
    assert written[1]["logger"] == "rungs.test.json"
    assert str(written[1]["time"]).endswith("+00:00")


def test_json_lines_are_masked_tracebacks_included(
    json_logger: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_logger
    with correlated("feedf00d"):
        logger.debug("callback to /interactions/1/%s/callback", INTERACTION_TOKEN)
        try:
            raise RuntimeError(f"POST {SLACK_HOOK} refused")
        except RuntimeError:
            logger.exception("respond failed")
    written = stream.getvalue()
    assert INTERACTION_TOKEN not in written
    assert "AbCdEfGh" not in written
    first, second = lines(stream)
    assert first["message"] == f"callback to /interactions/1/{MASK}/callback"
    assert "RuntimeError: POST https://hooks.slack.com/[secret]" in str(second["exception"])
    assert second["correlation_id"] == "feedf00d"


def test_rungs_log_format_json_sets_up_json_lines() -> None:
    """The set-up the CLI does with RUNGS_LOG_FORMAT=json, in a fresh interpreter."""
    script = (
        "import logging\n"
        "from bot.logs import setup_logging\n"
        "from engine.correlation import correlated\n"
        "setup_logging('INFO', 'json')\n"
        "with correlated('c0ffee00'):\n"
        f"    logging.getLogger('discord.http').info('POST /webhooks/1/{WEBHOOK_TOKEN}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    (line,) = [json.loads(text) for text in done.stderr.splitlines()]
    assert line["message"] == f"POST /webhooks/1/{MASK}"
    assert line["correlation_id"] == "c0ffee00"
    assert line["logger"] == "discord.http"
