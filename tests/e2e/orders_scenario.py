"""Orders a merchant would place, and the checks that the ERP got each one exactly once.

Shared by the end-to-end tests and ``bench/orders``.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Set
from decimal import Decimal
from typing import Any

from tests.e2e.stack import Stack

SKUS = ("TEE-S", "TEE-M", "TEE-L", "TOTE-1")


def order_spec(i: int, rng: random.Random) -> dict[str, Any]:
    """A varied checkout: 1-3 lines, a discount code on some, shipping on most, IVA,
    a known customer, a new one, or a guest."""
    lines = [
        {"sku": sku, "quantity": rng.randint(1, 3)} for sku in rng.sample(SKUS, rng.randint(1, 3))
    ]
    spec: dict[str, Any] = {"lines": lines, "tax": {"rate": "0.16", "title": "IVA"}}
    who = i % 3
    if who == 0:
        spec["customer"] = {"email": "ana.garcia@example.com"}
    elif who == 1:
        spec["customer"] = {
            "email": f"buyer{i}@example.com",
            "first_name": "Buyer",
            "last_name": str(i),
        }
    else:
        spec["email"] = f"guest{i}@example.com"
    if i % 4 == 0:
        spec["discount"] = {"code": "TEN", "value_type": "percentage", "value": "10"}
    if i % 5 != 0:
        spec["shipping"] = {"title": "Standard", "price": "5.00"}
    return spec


async def stock_up(stack: Stack, available: int = 100_000) -> None:
    for sku in SKUS:
        await stack.stock(sku, available)


async def documents_by_order(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    """ERP documents per Shopify order id (a list, so a duplicate would show)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in await stack.erp_documents():
        totals = row["totals"]
        totals = json.loads(totals) if isinstance(totals, str) else totals
        found.setdefault(str(row["shopify_order_id"]), []).append(
            {"id": row["id"], "status": row["status"], "total": Decimal(str(totals["total"]))}
        )
    return found


async def shopify_total(stack: Stack, order_id: str) -> Decimal:
    order = (await stack.sim("GET", f"/orders/{order_id}"))["order"]
    return Decimal(str(order["current_total_price"]))


async def existing_orders(stack: Stack) -> set[str]:
    """Orders the shop had before the test (the emulator's demo order): reconciliation
    may document them too, and they are not the test's to count."""
    return {str(order["id"]) for order in (await stack.sim("GET", "/state"))["orders"]}


async def linked(stack: Stack, order_ids: list[str]) -> int:
    links = await stack.links()
    return sum(1 for order_id in order_ids if order_id in links)


async def assert_exactly_once(
    stack: Stack, order_ids: list[str], *, ignore: Set[str] = frozenset()
) -> None:
    """Each order: one ERP document, its total Shopify's to the cent, linked to it; and no
    document for an order nobody placed (``ignore``: orders older than the test)."""
    documents = {o: d for o, d in (await documents_by_order(stack)).items() if o not in ignore}
    links = await stack.links()
    doubled = {o: len(d) for o, d in documents.items() if len(d) > 1}
    assert not doubled, f"orders with more than one ERP document: {doubled}"
    missing = [o for o in order_ids if o not in documents]
    assert not missing, f"{len(missing)} orders without an ERP document: {missing[:5]}"
    extra = set(documents) - set(order_ids)
    assert not extra, f"ERP documents for orders nobody placed: {sorted(extra)[:5]}"
    wrong = []
    for order_id in order_ids:
        (document,) = documents[order_id]
        expected = await shopify_total(stack, order_id)
        if document["total"] != expected:
            wrong.append((order_id, str(document["total"]), str(expected)))
        assert links.get(order_id) == document["id"], f"order {order_id} not linked to its doc"
    assert not wrong, f"totals that differ from Shopify's (order, ERP, Shopify): {wrong[:5]}"


def syncctl(kafka: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syncctl", *args, "--bootstrap-servers", kafka],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def dlq_entries(kafka: str, tenant: str) -> list[dict[str, object]]:
    done = syncctl(
        kafka,
        "dlq",
        "list",
        "--topic",
        "shopify.orders.v1",
        "--tenant",
        tenant,
        "--limit",
        "0",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    # Ours only: an orders service of `make up` on the same Kafka reads these topics too
    # (and dead-letters a tenant it does not know).
    group = f"orders-{tenant}"
    return [e for e in json.loads(done.stdout) if e["consumer"] == group]
