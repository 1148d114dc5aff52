"""The Ed25519 check of HTTP interactions on its own: Discord's signature over timestamp + body,
a five-minute window, and replays, with a clock the test moves."""

from __future__ import annotations

import pytest

pytest.importorskip("nacl", reason="PyNaCl (the discord extra) is not installed")

from nacl.signing import SigningKey

from bot.discord_app.signature import PublicKeyError, Verifier

NOW = 1_800_000_000


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


def signed(key: SigningKey, body: bytes, at: int | str = NOW) -> tuple[str, str]:
    stamp = str(at)
    return key.sign(stamp.encode() + body).signature.hex(), stamp


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


def test_a_signed_recent_new_request_passes_once(key: SigningKey) -> None:
    clock = Clock()
    verifier = Verifier(key.verify_key.encode().hex(), clock=clock)
    signature, stamp = signed(key, b'{"type": 1}')
    assert verifier.check(signature, stamp, b'{"type": 1}') is None
    refusal = verifier.check(signature, stamp, b'{"type": 1}')
    assert refusal is not None
    assert refusal.reason == "replayed request"


def test_the_window_bounds_both_the_age_and_the_memory(key: SigningKey) -> None:
    clock = Clock()
    verifier = Verifier(key.verify_key.encode().hex(), clock=clock, window_s=300)
    for age, expected in (
        (300, None),
        (301, "stale request timestamp"),
        (-301, "stale request timestamp"),
    ):
        signature, stamp = signed(key, b"x", NOW - age)
        refusal = verifier.check(signature, stamp, b"x")
        assert (refusal.reason if refusal else None) == expected, age
    for n in range(50):
        signature, stamp = signed(key, b"%d" % n)
        assert verifier.check(signature, stamp, b"%d" % n) is None
    clock.now += 301  # every signature seen is now past the window: forgotten
    signature, stamp = signed(key, b"late", NOW + 301)
    assert verifier.check(signature, stamp, b"late") is None
    assert verifier.remembered == 1  # the memory is bounded by the window


@pytest.mark.parametrize(
    ("signature", "stamp", "reason"),
    [
        (None, str(NOW), "missing signature headers"),
        ("ab" * 64, None, "missing signature headers"),
        ("not hex", str(NOW), "malformed signature headers"),
        ("ab" * 10, str(NOW), "malformed signature headers"),
        ("ab" * 64, "nan", "malformed signature headers"),
        ("ab" * 64, str(NOW), "invalid request signature"),
    ],
)
def test_malformed_and_forged_headers_are_refused(
    key: SigningKey, signature: str | None, stamp: str | None, reason: str
) -> None:
    verifier = Verifier(key.verify_key.encode().hex(), clock=Clock())
    refusal = verifier.check(signature, stamp, b"{}")
    assert refusal is not None
    assert refusal.reason == reason


def test_another_key_or_another_body_fails(key: SigningKey) -> None:
    verifier = Verifier(key.verify_key.encode().hex(), clock=Clock())
    signature, stamp = signed(SigningKey.generate(), b"{}")
    assert verifier.check(signature, stamp, b"{}") is not None
    signature, stamp = signed(key, b"{}")
    assert verifier.check(signature, stamp, b"{} ") is not None
    assert verifier.check(signature, str(NOW + 1), b"{}") is not None  # the stamp is signed too


@pytest.mark.parametrize("text", ["", "xyz", "ab" * 31, "ab" * 33])
def test_a_public_key_must_be_64_hex_digits(text: str) -> None:
    with pytest.raises(PublicKeyError, match="64 hex digits"):
        Verifier(text)
