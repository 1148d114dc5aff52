"""Logging set-up for every adapter, with a filter that keeps tokens out of every log line.

Rungs itself never logs a token, but the platform libraries log requests at DEBUG, and an
exception message may quote a URL; the filter masks anything shaped like a Slack or Discord
credential before a handler writes it: tokens, Discord's interaction and webhook tokens (in
their URLs, and on their own), and Slack's `response_url`s, which anyone holding one can post
through for 30 minutes.

Lines are text, or with RUNGS_LOG_FORMAT=json one JSON object each, with the correlation id of
the work in hand (engine/correlation.py) in every line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from engine import correlation

_SECRET = re.compile(
    r"xox[abposr]-[A-Za-z0-9-]+"  # Slack bot, user and legacy tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}"  # Discord bot tokens
    r"|(?<=ticket=)[A-Za-z0-9-]+"  # Socket Mode connection tickets in websocket URLs
    r"|(?i:(?<=authorization': ')|(?<=authorization: ))(?!\(redacted\))[^'\s,}]+"
    # Discord interaction tokens on their own (in a payload): base64 of "interaction:" first.
    r"|aW50ZXJhY3Rpb246[A-Za-z0-9_-]+"
)
# The secret part of a URL, after the part kept to say what it was. Discord:
# /interactions/<id>/<token>/callback and /webhooks/<application>/<token>[/messages/…]; Slack:
# everything after hooks.slack.com, also URL-encoded (a form body) or JSON-escaped (a payload).
_URL_SECRET = re.compile(
    r"(/(?:interactions|webhooks)/\d+/)[^/\s'\"?&]+"
    r"|((?i:hooks\.slack\.com))(?:/|%2F|\\/)[^\s'\"&,}<>]+",
)
# A response_url on any host (GovSlack's hooks.slack-gov.com, a proxy): Slack's shape,
# /commands|actions/<team>/<number>/<secret>, with the separators raw, URL-encoded or escaped.
_SEP = r"(?:/|%2F|\\/)"
_RESPONSE_URL = re.compile(
    rf"((?:commands|actions){_SEP}[TE][A-Z0-9]+{_SEP}\d+{_SEP})[A-Za-z0-9]+", re.IGNORECASE
)
# The value of a field named `token` in a payload (JSON, a repr, a form body): Slack's
# verification token, which Bolt logs with each Socket Mode envelope at DEBUG.
_TOKEN_FIELD = re.compile(r"""((?:["']token["']\s*:\s*["'])|(?<![\w.])token=)[^"'&\s]+""")
MASK = "[secret]"


def _mask_url(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}{MASK}"
    return f"{match.group(2)}/{MASK}"


def redact(text: str) -> str:
    masked = _URL_SECRET.sub(_mask_url, _SECRET.sub(MASK, text))
    masked = _TOKEN_FIELD.sub(lambda found: f"{found.group(1)}{MASK}", masked)
    return _RESPONSE_URL.sub(lambda found: f"{found.group(1)}{MASK}", masked)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class CorrelationFilter(logging.Filter):
    """Stamps each record with the correlation id of the work in hand (None outside any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation.current()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, correlation_id (null when
    there is none) and, when there is one, the exception. Every text field is masked again here,
    whatever filters the handler has."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "correlation_id": getattr(record, "correlation_id", correlation.current()),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str, log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    handler.addFilter(CorrelationFilter())
    handler.addFilter(RedactSecrets())
    logging.basicConfig(level=level, handlers=[handler])
