from __future__ import annotations

import re

import pytest
from contracts import BY_NAME, ROUTES, TOPICS, dlq_name, original_topic, route_for
from contracts.topics import TOPIC_PATTERN, Route, Topic


def test_every_topic_is_named_by_the_convention_and_has_a_dlq() -> None:
    assert len(BY_NAME) == len(TOPICS)
    for topic in TOPICS:
        assert TOPIC_PATTERN.fullmatch(topic.name)
        assert topic.dlq == f"{topic.name}.dlq"
        assert original_topic(topic.dlq) == topic.name
        assert topic.partitions >= 3


def test_a_misnamed_topic_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("<source>.<entity>.v<N>")):
        Topic(name="orders", key_entity="x", description="x", event_types=())


def test_each_event_type_has_exactly_one_route() -> None:
    routed = [t for topic in TOPICS for t in topic.event_types]
    assert len(routed) == len(set(routed)) == len(ROUTES)


@pytest.mark.parametrize(
    ("event_type", "payload", "topic", "entity"),
    [
        ("orders/create", {"id": 820982911946154508}, "shopify.orders.v1", "820982911946154508"),
        ("refunds/create", {"id": 1, "order_id": 42}, "shopify.orders.v1", "42"),
        ("orders/edited", {"order_edit": {"order_id": 7}}, "shopify.orders.v1", "7"),
        ("inventory_levels/update", {"inventory_item_id": 9}, "shopify.inventory.v1", "9"),
        ("customers/redact", {"customer": {"id": 5}}, "shopify.compliance.v1", "5"),
        ("stock.changed", {"sku": "TSHIRT-M"}, "erp.stock.v1", "TSHIRT-M"),
        ("product.changed", {"code": "TSHIRT"}, "erp.products.v1", "TSHIRT"),
        ("customer.changed", {"id": "C-7"}, "erp.customers.v1", "C-7"),
        ("shipment.created", {"id": "S-1", "document_id": "D-1"}, "erp.documents.v1", "D-1"),
    ],
)
def test_routes_key_by_the_entity(
    event_type: str, payload: dict[str, object], topic: str, entity: str
) -> None:
    route = route_for(event_type)
    assert route is not None
    assert route.topic.name == topic
    assert route.entity_id(payload) == entity


def test_events_we_do_not_consume_have_no_route() -> None:
    assert route_for("app/uninstalled") is None


@pytest.mark.parametrize("payload", [{}, {"id": None}, {"id": True}, {"id": ""}, {"id": [1]}])
def test_a_payload_without_its_key_field_is_an_error(payload: dict[str, object]) -> None:
    with pytest.raises(LookupError):
        Route(BY_NAME["shopify.orders.v1"]).entity_id(payload)


def test_dlq_name_of_a_non_dlq_is_an_error() -> None:
    assert dlq_name("erp.stock.v1") == "erp.stock.v1.dlq"
    with pytest.raises(ValueError, match="not a DLQ"):
        original_topic("erp.stock.v1")
