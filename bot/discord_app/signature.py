"""Checking that an HTTP interaction comes from Discord: an Ed25519 signature (PyNaCl) by the
application's public key over the timestamp header followed by the raw body, as Discord's
"Receiving and Responding" describes (`X-Signature-Ed25519`, `X-Signature-Timestamp`).

On top of what Discord asks, a request must be recent (within five minutes either way, as
Slack's requests must) and new: a signed request seen before in that window is a replay, and is
refused too. The window bounds the memory of signatures seen.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

WINDOW_S = 300.0
KEY_HEX_LENGTH = 64  # 32 bytes
SIGNATURE_HEX_LENGTH = 128  # 64 bytes


class PublicKeyError(ValueError):
    """DISCORD_PUBLIC_KEY is not a public key."""


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str  # short, for the 401 body and the log: never the request's contents


class Verifier:
    def __init__(
        self,
        public_key_hex: str,
        *,
        clock: Callable[[], float] = time.time,
        window_s: float = WINDOW_S,
    ) -> None:
        self._key = public_key(public_key_hex)
        self._clock = clock
        self._window = window_s
        self._seen: OrderedDict[str, int] = OrderedDict()  # signature -> its timestamp

    def check(self, signature: str | None, timestamp: str | None, body: bytes) -> Refusal | None:
        """None when the request is Discord's, new and recent; else why it is refused."""
        if not signature or not timestamp:
            return Refusal("missing signature headers")
        try:
            signed_at = int(timestamp)  # Discord's are whole seconds ("nan" is no time at all)
            raw_signature = bytes.fromhex(signature)
        except ValueError:
            return Refusal("malformed signature headers")
        if len(raw_signature) * 2 != SIGNATURE_HEX_LENGTH:
            return Refusal("malformed signature headers")
        try:
            self._key.verify(timestamp.encode() + body, raw_signature)
        except BadSignatureError:
            return Refusal("invalid request signature")
        now = self._clock()
        if abs(now - signed_at) > self._window:
            return Refusal("stale request timestamp")
        self._forget_before(now - self._window)
        if signature in self._seen:
            return Refusal("replayed request")
        self._seen[signature] = signed_at
        return None

    @property
    def remembered(self) -> int:
        """How many signatures it holds to tell a replay by: those of the last window only."""
        return len(self._seen)

    def _forget_before(self, horizon: float) -> None:
        # Signatures come in about time order, so the oldest are first; a late one left behind
        # only costs a little memory until it is the oldest.
        while self._seen and next(iter(self._seen.values())) < horizon:
            self._seen.popitem(last=False)


def public_key(text: str) -> VerifyKey:
    """The application's public key from its hex form (General Information → Public Key)."""
    cleaned = text.strip()
    try:
        raw = bytes.fromhex(cleaned)
    except ValueError:
        raw = b""
    if len(raw) * 2 != KEY_HEX_LENGTH:
        raise PublicKeyError(
            "DISCORD_PUBLIC_KEY must be the application's Public Key: 64 hex digits, from the "
            "developer portal's General Information page"
        )
    return VerifyKey(raw)
