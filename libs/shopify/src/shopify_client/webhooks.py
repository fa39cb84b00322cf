"""Verifying Shopify's webhook signature on the raw body.

``X-Shopify-Hmac-Sha256`` is base64(HMAC-SHA256(app secret, raw body bytes)). After a
secret rotation Shopify may keep signing with the old secret for up to an hour, so more
than one secret is accepted. Every secret is compared (no early exit) in constant time,
so the timing does not tell which one matched or how much of a forgery was right.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence


def sign_webhook(body: bytes, secret: str) -> str:
    """The header value Shopify would send for ``body`` (tests and the emulator's peers)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_webhook(body: bytes, hmac_header: str | None, secrets: Sequence[str]) -> bool:
    if not hmac_header or not secrets:
        return False
    try:
        received = base64.b64decode(hmac_header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(received) != hashlib.sha256().digest_size:
        return False
    matched = False
    for secret in secrets:
        if not secret:  # an empty secret would let anyone sign: never accept it
            continue
        expected = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        matched |= hmac.compare_digest(expected, received)
    return matched
