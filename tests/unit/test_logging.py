from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from contracts import Envelope
from plumbing.logging import REDACTED, bound_message, configure_logging, get_logger


def _lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_every_line_inside_a_message_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("orders", "INFO")
    envelope = Envelope.new(
        id="wh-9",
        type="orders/paid",
        source="shopify",
        tenant="acme",
        entity_id=77,
        payload={"email": "jane@example.com"},
        occurred_at=datetime(2026, 11, 23, tzinfo=UTC),
        correlation_id="corr-1",
    )
    log = get_logger("test")

    with bound_message(envelope, topic="shopify.orders.v1", partition=1, offset=5):
        log.info("document.created", document="SO-1")
    log.info("outside")

    inside, outside = _lines(capsys.readouterr().out)
    assert inside["event"] == "document.created"
    assert inside["level"] == "info"
    assert inside["service"] == "orders"
    assert inside["message_id"] == "wh-9"
    assert inside["tenant"] == "acme"
    assert inside["key"] == "acme:77"
    assert inside["correlation_id"] == "corr-1"
    assert inside["topic"] == "shopify.orders.v1"
    assert inside["offset"] == 5
    assert "timestamp" in inside
    assert "message_id" not in outside


def test_secrets_and_payloads_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("gateway", "INFO")
    get_logger("test").warning(
        "oops", secret="shpss_abc", payload={"email": "jane@example.com"}, tenant="acme"
    )
    [line] = _lines(capsys.readouterr().out)
    assert line["secret"] == REDACTED
    assert line["payload"] == REDACTED
    assert line["tenant"] == "acme"
    assert "jane@example.com" not in json.dumps(line)


def test_stdlib_loggers_come_out_as_json_too(capsys: pytest.CaptureFixture[str]) -> None:
    import logging  # noqa: PLC0415

    configure_logging("catalog", "INFO")
    logging.getLogger("some.library").warning("disk %s", "full")
    [line] = _lines(capsys.readouterr().out)
    assert line["event"] == "disk full"
    assert line["service"] == "catalog"
