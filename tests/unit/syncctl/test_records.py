from __future__ import annotations

from datetime import timedelta

from syncctl.records import DlqFilter, dlq_topic_for

from tests.unit.syncctl.letters import NOW, record


def test_a_record_reads_plumbings_headers_and_the_envelope() -> None:
    letter = record(tenant="acme", reason="unknown_sku")
    assert letter.tenant == "acme"
    assert letter.envelope_type == "orders/create"
    assert letter.envelope_id == "hook-acme-1001"
    assert letter.reason == "unknown_sku"
    assert letter.original_topic == "shopify.orders.v1"
    assert letter.failed_at == NOW - timedelta(minutes=5)
    assert letter.dlq["attempts"] == "3"
    assert letter.original_headers == [("traceparent", b"00-abc-01")]


def test_an_undecodable_value_is_listed_with_the_tenant_from_its_key() -> None:
    letter = record(tenant="bolt", value=b"\xff not json")
    assert letter.envelope is None
    assert (letter.tenant, letter.envelope_type, letter.envelope_id) == ("bolt", "?", "?")
    assert letter.reason == "unknown_sku"


def test_filters_combine_tenant_reason_and_since() -> None:
    old = record(tenant="acme", reason="unknown_sku", ago=timedelta(hours=3))
    new = record(tenant="acme", reason="erp_422", ago=timedelta(minutes=1))
    other = record(tenant="bolt", reason="unknown_sku", ago=timedelta(minutes=1))
    everything = [old, new, other]

    def kept(selection: DlqFilter) -> list[object]:
        return [r for r in everything if selection.matches(r)]

    assert kept(DlqFilter()) == everything
    assert kept(DlqFilter(tenants=["acme"])) == [old, new]
    assert kept(DlqFilter(reasons=["unknown_sku"])) == [old, other]
    assert kept(DlqFilter(since=NOW - timedelta(hours=2))) == [new, other]
    assert kept(DlqFilter(tenants=["acme"], reasons=["unknown_sku"])) == [old]
    assert kept(DlqFilter(tenants=["acme", "bolt"], since=NOW - timedelta(minutes=2))) == [
        new,
        other,
    ]


def test_topics_are_accepted_by_either_name() -> None:
    assert dlq_topic_for("shopify.orders.v1") == "shopify.orders.v1.dlq"
    assert dlq_topic_for("shopify.orders.v1.dlq") == "shopify.orders.v1.dlq"
    assert dlq_topic_for("test.abc.v1") == "test.abc.v1.dlq"
