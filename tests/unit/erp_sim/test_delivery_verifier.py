"""The reference ERP's signer against the gateway's verifier (``erp_connector.signatures``):
two independent implementations of one contract must agree, and disagree on tampering."""

from __future__ import annotations

import json

import pytest
from erp_sim.delivery_wire import batch_body, headers

signatures = pytest.importorskip("erp_connector.signatures")

SECRET = "test-secret-erp"
NOW = 1_767_322_800


def _signed() -> tuple[bytes, dict[str, str]]:
    event = {"id": "0b8f7a7e-1111-4c1e-9a57-000000000001", "type": "stock.changed"}
    body = batch_body([json.dumps(event)])
    return body, headers("acme", SECRET, NOW, body)


def test_the_gateway_verifier_accepts_what_the_sim_signs() -> None:
    body, sent = _signed()
    signatures.verify_event_signature(
        body, sent["X-ERP-Signature"], sent["X-ERP-Timestamp"], [SECRET], now=NOW + 1
    )
    # while a tenant rotates, the old secret still verifies
    signatures.verify_event_signature(
        body, sent["X-ERP-Signature"], sent["X-ERP-Timestamp"], ["new", SECRET], now=NOW
    )


def test_the_gateway_verifier_refuses_a_changed_body_secret_or_stale_timestamp() -> None:
    body, sent = _signed()
    signature, timestamp = sent["X-ERP-Signature"], sent["X-ERP-Timestamp"]
    with pytest.raises(signatures.SignatureMismatch):
        signatures.verify_event_signature(body + b" ", signature, timestamp, [SECRET], now=NOW)
    with pytest.raises(signatures.SignatureMismatch):
        signatures.verify_event_signature(body, signature, timestamp, ["other"], now=NOW)
    with pytest.raises(signatures.TimestampOutsideWindow):
        signatures.verify_event_signature(body, signature, timestamp, [SECRET], now=NOW + 3600)
