"""The pure parts of event delivery: the batch body, its signature, the headers, backoff.

The signer is the reference ERP's own code (``hmac`` from the standard library), never
``erp_connector.signatures``: the gateway's verifier is tested against an independent
signer, so a bug in one cannot hide behind the same bug in the other.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Sequence

USER_AGENT = "erp-sim"
MAX_ERROR_LEN = 200


def batch_body(bodies: Sequence[str | bytes]) -> bytes:
    """``{"events": [<body>, ...]}`` from the outbox rows' JSON texts, in the given order.

    Each body is already a JSON object (the row's ``body::text``); the batch is built by
    concatenation, so the bytes are made once and what is signed is what is sent.
    """
    if not bodies:
        raise ValueError("a batch holds at least one event")
    parts = [b.encode() if isinstance(b, str) else b for b in bodies]
    return b'{"events":[' + b",".join(parts) + b"]}"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}."`` followed by the raw body bytes."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(company_id: str, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one delivery; the signature covers exactly ``body``."""
    return {
        "Content-Type": "application/json",
        "X-ERP-Timestamp": str(timestamp),
        "X-ERP-Signature": sign(secret, timestamp, body),
        "X-ERP-Company": company_id,
        "User-Agent": USER_AGENT,
    }


def backoff_s(attempt: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Wait before retrying after the ``attempt``-th consecutive failure (1-based).

    Exponential (``base * 2**(attempt-1)``) capped at ``max_s``, with "equal jitter": a
    uniform draw in the upper half, so the wait is always within ``[d/2, d]`` of the
    capped delay ``d`` and never above ``max_s``.
    """
    exponent = min(max(attempt, 1) - 1, 62)
    delay = min(max_s, base_s * 2.0**exponent)
    return rng.uniform(delay / 2, delay)


def short_error(status: int | None = None, exc: BaseException | None = None) -> str:
    """What goes in ``last_error`` and the log: the status or the exception's class.

    Never the response body nor the exception text (which may echo a URL or a header).
    """
    if status is not None:
        text = f"http {status}"
    elif exc is not None:
        text = type(exc).__name__
    else:
        text = "unknown error"
    return text[:MAX_ERROR_LEN]
