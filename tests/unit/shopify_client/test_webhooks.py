"""Webhook HMAC: base64 HMAC-SHA256 of the raw body, two secrets during a rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from shopify_client.webhooks import verify_webhook

BODY = b'{"id":820982911946154508,"email":"jon@example.com","total_price":"10.00"}'
CURRENT, PREVIOUS = "new-client-secret", "old-client-secret"


def _sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("signed_with", [CURRENT, PREVIOUS])
def test_accepts_the_current_and_the_previous_secret(signed_with: str) -> None:
    assert verify_webhook(BODY, _sign(BODY, signed_with), [CURRENT, PREVIOUS])


def test_rejects_a_wrong_secret() -> None:
    assert not verify_webhook(BODY, _sign(BODY, "someone-else"), [CURRENT, PREVIOUS])


def test_rejects_a_tampered_body() -> None:
    header = _sign(BODY, CURRENT)
    assert not verify_webhook(BODY.replace(b"10.00", b"0.01"), header, [CURRENT])
    assert not verify_webhook(BODY + b" ", header, [CURRENT])


@pytest.mark.parametrize("header", [None, "", "not base64!!", "c2hvcnQ=", "   "])
def test_rejects_missing_or_garbled_headers(header: str | None) -> None:
    assert not verify_webhook(BODY, header, [CURRENT, PREVIOUS])


def test_without_secrets_nothing_verifies() -> None:
    assert not verify_webhook(BODY, _sign(BODY, ""), [])
    assert not verify_webhook(BODY, _sign(BODY, ""), [""])


def test_the_previous_secret_dropped_after_the_rotation_no_longer_verifies() -> None:
    assert not verify_webhook(BODY, _sign(BODY, PREVIOUS), [CURRENT])
