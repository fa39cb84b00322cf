from __future__ import annotations

import hashlib
import hmac

import pytest
from erp_connector.signatures import (
    EventSignatureError,
    SignatureMalformed,
    SignatureMismatch,
    SignatureMissing,
    TimestampOutsideWindow,
    sign,
    verify_event_signature,
)

SECRET = "tenant-secret-1"
NOW = 1_760_000_000
BODY = b'{"events":[{"type":"stock.changed"}]}'


def _verify(
    body: bytes = BODY,
    signature: str | None = None,
    timestamp: str | None = str(NOW),
    secrets: tuple[str, ...] = (SECRET,),
    now: float = NOW,
) -> None:
    if signature is None:
        signature = sign(BODY, SECRET, NOW)
    verify_event_signature(body, signature, timestamp, secrets, now=now)


def test_known_answer_vector_matches_an_independent_hmac() -> None:
    expected = hmac.new(b"s3cr3t", b"1700000000.hello", hashlib.sha256).hexdigest()
    assert sign(b"hello", "s3cr3t", 1_700_000_000) == expected
    verify_event_signature(b"hello", expected, "1700000000", ["s3cr3t"], now=1_700_000_010)


def test_a_fresh_correct_signature_is_accepted() -> None:
    _verify()


def test_uppercase_hex_is_accepted() -> None:
    _verify(signature=sign(BODY, SECRET, NOW).upper())


def test_a_bad_signature_is_refused() -> None:
    with pytest.raises(SignatureMismatch):
        _verify(signature="0" * 64)


def test_a_body_changed_after_signing_is_refused() -> None:
    with pytest.raises(SignatureMismatch):
        _verify(body=BODY.replace(b"stock", b"price"))


def test_a_timestamp_changed_after_signing_is_refused() -> None:
    with pytest.raises(SignatureMismatch):
        _verify(timestamp=str(NOW - 1))


@pytest.mark.parametrize("skew", [-301, 301, -86_400, 86_400])
def test_a_timestamp_outside_the_window_is_refused_past_and_future(skew: int) -> None:
    sent_at = NOW + skew
    with pytest.raises(TimestampOutsideWindow):
        _verify(signature=sign(BODY, SECRET, sent_at), timestamp=str(sent_at))


def test_a_timestamp_at_the_edge_of_the_window_is_accepted() -> None:
    sent_at = NOW - 300
    _verify(signature=sign(BODY, SECRET, sent_at), timestamp=str(sent_at))


@pytest.mark.parametrize(
    ("signature", "timestamp"),
    [("", str(NOW)), (None, str(NOW)), ("ab" * 32, None), ("ab" * 32, "")],
)
def test_missing_headers_are_refused(signature: str | None, timestamp: str | None) -> None:
    with pytest.raises(SignatureMissing):
        verify_event_signature(BODY, signature, timestamp, [SECRET], now=NOW)


@pytest.mark.parametrize("signature", ["zz" * 32, "abc", "ab" * 33, "sha256=" + "ab" * 32])
def test_a_signature_that_is_not_hex_sha256_is_malformed(signature: str) -> None:
    with pytest.raises(SignatureMalformed):
        _verify(signature=signature)


@pytest.mark.parametrize("timestamp", ["1.5", "-1760000000", "soon", "١٧٦"])
def test_a_timestamp_that_is_not_an_integer_is_malformed(timestamp: str) -> None:
    with pytest.raises(SignatureMalformed):
        _verify(timestamp=timestamp)


def test_during_rotation_old_and_new_secrets_are_accepted_and_a_third_is_not() -> None:
    secrets = ("old-secret", "new-secret")
    for secret in secrets:
        _verify(signature=sign(BODY, secret, NOW), secrets=secrets)
    with pytest.raises(SignatureMismatch):
        _verify(signature=sign(BODY, "someone-else", NOW), secrets=secrets)


def test_no_configured_secret_refuses_everything() -> None:
    with pytest.raises(SignatureMismatch):
        _verify(secrets=())


def test_errors_are_one_family_and_never_leak_the_secret_or_expected_value() -> None:
    expected = sign(BODY, SECRET, NOW)
    with pytest.raises(EventSignatureError) as caught:
        _verify(body=b"tampered")
    message = str(caught.value)
    assert SECRET not in message
    assert expected not in message
    assert sign(b"tampered", SECRET, NOW) not in message
