"""A Shopify order (the REST/webhook JSON, parsed by Python) -> the ERP sales document.

The document is made from the order *as it is now*: ``current_quantity`` (the quantity
less what order edits removed and refunds took back) and the shipping line's current
price, so it is checked against ``current_total_price``. Amounts are shop money (the
``shop_money`` of a ``*_set`` when present), the currency the tenant's ERP keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from erp_connector.models.documents import LineIn, SalesDocumentIn, ShippingIn
from pydantic import ValidationError

from orders.domain_refusals import (
    CurrencyMismatch,
    InvalidDocument,
    LinesWithoutSku,
    NotAnOrder,
    NothingToDocument,
    UnmappedGateway,
    UnmappedTaxRate,
)
from orders.policy import OrdersPolicy

Order = Mapping[str, Any]
CENT = Decimal("0.01")
_GID = "gid://shopify/Order/"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: object, what: str) -> Decimal:
    """A decimal from Shopify's string (or number) amount, via ``str`` so a float parsed
    from JSON keeps the digits it was written with."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise NotAnOrder(f"{what} is {value!r}, not an amount")
    return Decimal(str(value))


def shop_amount(obj: Mapping[str, Any], field: str) -> Decimal:
    """``<field>_set.shop_money.amount`` when present, else the plain field."""
    amount = ((obj.get(f"{field}_set") or {}).get("shop_money") or {}).get("amount")
    return money(obj[field] if amount is None else amount, field)


def order_id(order: Order) -> str:
    """The order id as an exact string: from ``admin_graphql_api_id`` first (payloads that
    went through a JavaScript parser have rounded numeric ids), else the integer ``id``."""
    gid = order.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith(_GID) and gid[len(_GID) :].isdigit():
        return gid[len(_GID) :]
    raw = order.get("id")
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise NotAnOrder(f"the order id is {raw!r}, not an integer (never parse ids as floats)")
    return str(raw)


def rate_key(rate: object) -> str:
    """Shopify's rate (0.16 or "0.16") as a policy key: plain, no trailing zeros."""
    return format(money(rate, "tax rate").normalize(), "f")


def line_label(index: int, item: Mapping[str, Any]) -> str:
    title = item.get("name") or item.get("title") or "?"
    return f"line {index + 1} ({title}, SKU {item.get('sku') or 'none'!r})"


def tax_code(
    tax_lines: list[Mapping[str, Any]],
    policy: OrdersPolicy,
    included: bool,
    label: str,
    fallback: str | None,
) -> str:
    """One ERP tax code for one line's tax lines (see ``orders.policy`` for the keys)."""
    if not tax_lines:
        if fallback is None:
            raise UnmappedTaxRate(None, label, setting="exempt_tax_code")
        return fallback
    codes, setting = (
        (policy.included_tax_codes, "included_tax_codes")
        if included
        else (policy.tax_codes, "tax_codes")
    )
    rates = [rate_key(t.get("rate")) for t in tax_lines]
    titled = "+".join(f"{r}|{t.get('title') or ''}" for r, t in zip(rates, tax_lines, strict=True))
    bare = "+".join(rates)
    code = codes.get(titled) or codes.get(bare)
    if code is None:
        raise UnmappedTaxRate(bare, label, setting=setting)
    return code


def line_discount(item: Mapping[str, Any], quantity: int) -> Decimal:
    """Sum of the line's ``discount_allocations``: Shopify already spreads order-level
    discounts (codes, automatic) over the lines there. Payloads older than allocations
    carry only ``total_discount``. Pro rata when edits or refunds took units away."""
    allocations = item.get("discount_allocations")
    if allocations is None:
        total = shop_amount(item, "total_discount") if "total_discount" in item else Decimal(0)
    else:
        total = sum((shop_amount(a, "amount") for a in allocations), Decimal(0))
    original = item.get("quantity") or quantity
    return total if quantity == original else cents(total * quantity / original)


def _lines(order: Order, policy: OrdersPolicy, included: bool) -> list[LineIn]:
    lines: list[LineIn] = []
    no_sku: list[str] = []
    for i, item in enumerate(order["line_items"]):
        label = line_label(i, item)
        quantity = item.get("current_quantity", item.get("quantity"))
        if not isinstance(quantity, int) or quantity <= 0:
            continue  # removed by an edit or refunded entirely: not sold any more
        if not str(item.get("sku") or "").strip():
            no_sku.append(label)
            continue
        lines.append(
            LineIn(
                sku=str(item["sku"]).strip(),
                description=str(item.get("name") or item.get("title") or "")[:255],
                quantity=quantity,
                unit_price=shop_amount(item, "price"),
                discount=line_discount(item, quantity),
                tax_code=tax_code(
                    item.get("tax_lines") or [], policy, included, label, policy.exempt_tax_code
                ),
            )
        )
    if no_sku:
        raise LinesWithoutSku(no_sku)
    if not lines:
        raise NothingToDocument
    return lines


def shipping_amount(line: Mapping[str, Any]) -> Decimal:
    """What the customer pays now for one shipping line, after shipping discounts."""
    for field in ("current_discounted_price", "discounted_price"):
        if f"{field}_set" in line or field in line:
            return shop_amount(line, field)
    return shop_amount(line, "price")


def _shipping(order: Order, policy: OrdersPolicy, included: bool) -> ShippingIn | None:
    """All shipping lines as one service line; free shipping adds none."""
    charged = [
        (s, shipping_amount(s))
        for s in order.get("shipping_lines") or []
        if not s.get("is_removed")
    ]
    charged = [(s, amount) for s, amount in charged if amount]
    if not charged:
        return None
    fallback = policy.shipping_tax_code or policy.exempt_tax_code
    codes = {
        tax_code(
            s.get("tax_lines") or [], policy, included, f"shipping {s.get('title')!r}", fallback
        )
        for s, _ in charged
    }
    if len(codes) > 1:
        raise InvalidDocument(f"shipping lines with different taxes ({sorted(codes)})")
    return ShippingIn(
        service_sku=policy.shipping_service_sku,
        description=", ".join(str(s.get("title") or "") for s, _ in charged)[:255],
        amount=sum((amount for _, amount in charged), Decimal(0)),
        tax_code=codes.pop(),
    )


def payment_method(order: Order, policy: OrdersPolicy) -> str:
    """The first of the order's gateways the policy maps, else the default. Older
    payloads name a single ``gateway`` instead of ``payment_gateway_names``."""
    names = order.get("payment_gateway_names") or (
        [order["gateway"]] if order.get("gateway") else []
    )
    gateways = [str(g) for g in names]
    for gateway in gateways:
        if gateway in policy.payment_methods:
            return policy.payment_methods[gateway]
    if policy.default_payment_method is None:
        raise UnmappedGateway(gateways)
    return policy.default_payment_method


def to_sales_document(
    order: Order, policy: OrdersPolicy, *, customer_id: str | None
) -> SalesDocumentIn:
    """The ERP document for the order, or a ``Refusal`` naming what stops it."""
    for field in ("id", "currency", "line_items"):
        if field not in order:
            raise NotAnOrder(f"it has no {field!r}")
    currency = str(order["currency"])
    if currency != policy.currency and currency not in policy.other_currencies:
        raise CurrencyMismatch(currency, policy.currency)
    included = bool(order.get("taxes_included"))
    location = order.get("location_id")
    warehouse = policy.location_warehouses.get(str(location)) if location is not None else None
    name = order.get("name")
    try:
        return SalesDocumentIn(
            type=policy.document_type,
            customer_id=customer_id,
            currency=currency,
            payment_method=payment_method(order, policy),
            warehouse=warehouse or policy.default_warehouse,
            lines=_lines(order, policy, included),
            shipping=_shipping(order, policy, included),
            external_refs={
                "shopify_order_id": order_id(order),
                "shopify_order_name": str(name)[:64] if name else None,
            },
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidDocument(f"{where}: {first['msg']} (got {first.get('input')!r})") from None
