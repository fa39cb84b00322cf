"""When an order becomes a document: trigger x payment x channel x cancelled x credit."""

from __future__ import annotations

from typing import Any

import pytest
from orders import domain

from tests.unit.orders.conftest import make_policy, sample_order

CASES = [
    # trigger, event, financial, fulfillment, source, gateway, cancelled, channels, expected
    ("created", "orders/create", "pending", None, "web", "manual", False, None, "create"),
    ("created", "orders/paid", "paid", None, "web", "manual", False, None, "create"),
    ("created", "orders/create", "paid", None, "pos", "manual", False, {"online"}, "skip"),
    ("created", "orders/create", "paid", None, "web", "manual", False, {"pos"}, "skip"),
    ("created", "orders/create", "paid", None, "pos", "manual", False, {"pos"}, "create"),
    ("created", "orders/cancelled", "paid", None, "web", "manual", True, None, "skip"),
    ("created", "orders/updated", "voided", None, "web", "manual", False, None, "skip"),
    ("created", "orders/delete", "paid", None, "web", "manual", False, None, "skip"),
    ("paid", "orders/create", "pending", None, "web", "manual", False, None, "wait"),
    ("paid", "orders/create", "authorized", None, "web", "manual", False, None, "wait"),
    ("paid", "orders/create", "partially_paid", None, "web", "manual", False, None, "wait"),
    ("paid", "orders/paid", "paid", None, "web", "manual", False, None, "create"),
    ("paid", "orders/updated", "partially_refunded", None, "web", "manual", False, None, "create"),
    ("paid", "orders/paid", "paid", None, "web", "manual", True, None, "skip"),
    ("fulfilled", "orders/paid", "paid", None, "web", "manual", False, None, "wait"),
    ("fulfilled", "orders/updated", "paid", "partial", "web", "manual", False, None, "wait"),
    ("fulfilled", "orders/fulfilled", "paid", "fulfilled", "web", "manual", False, None, "create"),
    ("created", "orders/create", "pending", None, "web", "net30", False, None, "wait"),
    ("created", "orders/create", "partially_paid", None, "web", "net30", False, None, "wait"),
    ("created", "orders/paid", "paid", None, "web", "net30", False, None, "create"),
    ("fulfilled", "orders/fulfilled", "pending", "fulfilled", "web", "net30", False, None, "wait"),
]


@pytest.mark.parametrize(
    (
        "trigger",
        "event",
        "financial",
        "fulfillment",
        "source",
        "gateway",
        "cancelled",
        "channels",
        "expected",
    ),
    CASES,
)
def test_decision_table(
    trigger: str,
    event: str,
    financial: str,
    fulfillment: str | None,
    source: str,
    gateway: str,
    cancelled: bool,
    channels: set[str] | None,
    expected: str,
) -> None:
    extra: dict[str, Any] = {} if channels is None else {"channels": channels}
    policy = make_policy(
        trigger=trigger,
        payment_methods={"manual": "TRANSFER", "net30": "CREDITO"},
        **extra,
    )
    order = sample_order() | {
        "financial_status": financial,
        "fulfillment_status": fulfillment,
        "source_name": source,
        "payment_gateway_names": [gateway],
        "cancelled_at": "2026-01-02T10:00:00-06:00" if cancelled else None,
    }
    decision = domain.should_create(order, policy, event)
    assert decision.action == expected, decision.reason
    assert decision.reason


def test_reasons_say_why() -> None:
    order = sample_order() | {"financial_status": "pending", "payment_gateway_names": ["net30"]}
    policy = make_policy(payment_methods={"net30": "CREDITO"})
    assert domain.should_create(order, policy, "orders/create").reason == (
        "credit sale (CREDITO) is pending, not fully paid yet"
    )
    cancelled = sample_order() | {"cancelled_at": "2026-01-02T10:00:00Z"}
    assert domain.should_create(cancelled, policy, "orders/paid").reason == "the order is cancelled"
