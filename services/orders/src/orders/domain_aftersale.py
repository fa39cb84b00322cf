"""After a sale, the pure part: a Shopify refund -> ERP credit notes. No I/O.

The ERP credits by SKU against the document and keeps one ``restock`` flag per credit
note, while Shopify decides restocking per refunded line (``restock_type``). A refund
whose lines disagree therefore becomes two notes, ``restock`` and ``no_restock``; a
uniform one is one note (``all``). Each part has its own idempotency key. The shipping
refund travels as ``shipping_amount``: the ERP credits it on the document's shipping
line (made from ``policy.shipping_service_sku``). ERP shipment -> Shopify fulfillment
is ``orders.domain_shipment``, re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from erp_connector.models.common import ExternalRefs
from erp_connector.models.documents import CreditLineIn, CreditNoteIn
from pydantic import ValidationError

from orders.domain_document import line_label
from orders.domain_refusals import InvalidDocument, NotARefund, RefundLinesWithoutSku
from orders.domain_shipment import FulfillmentPlan, fulfillment_for, shipment_of
from orders.policy import OrdersPolicy

Part = Literal["all", "restock", "no_restock"]
# Shopify's restock types that put the goods back on the shelf ("legacy_restock" is how
# refunds made before restock types existed read); "no_restock" keeps them out.
RESTOCKED = frozenset({"return", "cancel", "legacy_restock"})
_GID = "gid://shopify/Refund/"


@dataclass(frozen=True, slots=True)
class CreditPlan:
    """One credit note to make for a refund, and which part of the refund it is."""

    part: Part
    note: CreditNoteIn


def _digits(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise NotARefund(f"{what} is {value!r}, not an integer id")
    return str(value)


def refund_id(refund: Mapping[str, Any]) -> str:
    """From ``admin_graphql_api_id`` first: JavaScript-parsed payloads round ``id``."""
    gid = refund.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith(_GID) and gid[len(_GID) :].isdigit():
        return gid[len(_GID) :]
    return _digits(refund.get("id"), "the refund id")


def refund_order_id(refund: Mapping[str, Any]) -> str:
    return _digits(refund.get("order_id"), "the refund's order_id")


def refund_created_at(refund: Mapping[str, Any]) -> datetime | None:
    """When the refund was made (aware), or None when the payload lacks it."""
    raw = refund.get("created_at")
    try:
        made = datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else None
    except ValueError:
        raise NotARefund(f"created_at is {raw!r}, not a timestamp") from None
    return made if made is None or made.tzinfo is not None else None


def _amount(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise NotARefund(f"{what} is {value!r}, not an amount")
    return Decimal(str(value))


def _shop_money(obj: Mapping[str, Any], field: str) -> Decimal | None:
    """``<field>_set.shop_money.amount``, else the plain field, else None."""
    amount = ((obj.get(f"{field}_set") or {}).get("shop_money") or {}).get("amount")
    if amount is None:
        amount = obj.get(field)
    return None if amount is None else _amount(amount, field)


def shipping_refund(refund: Mapping[str, Any]) -> Decimal:
    """Shipping refunded: ``refund_shipping_lines`` (API 2024-10 on), plus the older
    ``shipping_refund`` order adjustments (negative amounts)."""
    total = Decimal(0)
    for line in refund.get("refund_shipping_lines") or []:
        total += _shop_money(line, "subtotal_amount") or Decimal(0)
    for adjustment in refund.get("order_adjustments") or []:
        if adjustment.get("kind") == "shipping_refund":
            total += abs(_shop_money(adjustment, "amount") or Decimal(0))
    return total


def _restocked(line: Mapping[str, Any], refund: Mapping[str, Any]) -> bool:
    kind = line.get("restock_type")
    return kind in RESTOCKED if kind is not None else bool(refund.get("restock"))


def credit_notes(
    refund: Mapping[str, Any], policy: OrdersPolicy, *, order_id: str
) -> tuple[CreditPlan, ...]:
    """The credit notes a refund of the documented order ``order_id`` becomes; empty
    when it refunds neither goods nor shipping (an amount-only adjustment, which the
    ERP's credit note cannot carry)."""
    rid = refund_id(refund)
    groups: dict[bool, dict[str, tuple[int, Decimal | None]]] = {True: {}, False: {}}
    locations: dict[bool, set[str]] = {True: set(), False: set()}
    missing: list[str] = []
    for index, line in enumerate(refund.get("refund_line_items") or []):
        item = line.get("line_item") or {}
        quantity = line.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            continue
        sku = str(item.get("sku") or "").strip()
        if not sku:
            missing.append(line_label(index, item))
            continue
        restock = _restocked(line, refund)
        amount = _shop_money(line, "subtotal")
        had_qty, had_amount = groups[restock].get(sku, (0, Decimal(0)))
        total = None if amount is None or had_amount is None else had_amount + amount
        groups[restock][sku] = (had_qty + quantity, total)
        if line.get("location_id") is not None:
            locations[restock].add(str(line["location_id"]))
    if missing:
        raise RefundLinesWithoutSku(missing)
    shipping = shipping_refund(refund)
    parts: list[tuple[Part, bool]] = []
    if groups[True]:
        parts.append(("restock", True))
    if groups[False]:
        parts.append(("no_restock", False))
    if len(parts) == 1:
        parts = [("all", parts[0][1])]
    if not parts and shipping > 0:
        parts = [("all", False)]
    plans = []
    for i, (part, restock) in enumerate(parts):
        plans.append(
            CreditPlan(
                part,
                _note(
                    groups[restock],
                    restock=restock,
                    shipping=shipping if i == 0 and shipping > 0 else None,
                    warehouse=_warehouse(locations[restock], policy) if restock else None,
                    refs=ExternalRefs(shopify_order_id=order_id, shopify_refund_id=rid),
                    reason=str(refund.get("note") or "")[:255],
                ),
            )
        )
    return tuple(plans)


def _warehouse(locations: set[str], policy: OrdersPolicy) -> str | None:
    """Returned goods go where Shopify restocked them when that maps to one ERP
    warehouse; otherwise the ERP uses the document's."""
    mapped = {policy.location_warehouses.get(loc) for loc in locations}
    return mapped.pop() if len(mapped) == 1 else None


def _note(
    lines: Mapping[str, tuple[int, Decimal | None]],
    *,
    restock: bool,
    shipping: Decimal | None,
    warehouse: str | None,
    refs: ExternalRefs,
    reason: str,
) -> CreditNoteIn:
    try:
        return CreditNoteIn(
            lines=[CreditLineIn(sku=s, quantity=q, amount=a) for s, (q, a) in lines.items()],
            shipping_amount=shipping,
            restock=restock,
            warehouse=warehouse,
            external_refs=refs,
            reason=reason,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidDocument(f"credit note {where}: {first['msg']}") from None


__all__ = [
    "RESTOCKED", "CreditPlan", "FulfillmentPlan", "credit_notes", "fulfillment_for",
    "refund_created_at", "refund_id", "refund_order_id", "shipment_of", "shipping_refund",
]  # fmt: skip
