"""Logging set-up for every adapter, with a filter that keeps tokens out of every log line.

Rungs itself never logs a token, but the platform libraries log requests at DEBUG, and an
exception message may quote a URL; the filter masks anything shaped like a Slack or Discord
credential before a handler writes it."""

from __future__ import annotations

import logging
import re
import sys

_SECRET = re.compile(
    r"xox[abposr]-[A-Za-z0-9-]+"  # Slack bot, user and legacy tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}"  # Discord bot tokens
    r"|(?<=ticket=)[A-Za-z0-9-]+"  # Socket Mode connection tickets in websocket URLs
    r"|(?i:(?<=authorization': ')|(?<=authorization: ))(?!\(redacted\))[^'\s,}]+"
)
MASK = "[secret]"


def redact(text: str) -> str:
    return _SECRET.sub(MASK, text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    logging.basicConfig(level=level, handlers=[handler])
