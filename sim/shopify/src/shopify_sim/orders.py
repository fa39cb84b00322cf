"""Merchant-side order operations: what a shopper's checkout or the merchant's admin does.

Each operation changes the state first and then emits the webhooks Shopify would send
for it, inside one ``state.action()`` so they share an X-Shopify-Event-Id. Placing an
order commits stock and opens fulfillment orders per location; payment moves
``financial_status`` through Shopify's transaction rules (see ``order_totals``).
Refunds and cancellations live in ``orders_refunds``, fulfillments in
``orders_fulfillment``, edits in ``orders_edit``; all are re-exported here.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Literal

from pydantic import Field

from shopify_sim.errors import UserErrors
from shopify_sim.order_totals import cents, open_authorization, outstanding
from shopify_sim.orders_common import (
    Input,
    LineInput,
    TaxInput,
    apply_tax,
    build_line,
    check_stock,
    emit_order,
    emit_transactions,
    find_order,
    merge_moves,
    move_stock,
    new_transaction,
    open_fulfillment_orders,
    settle,
    tax_for,
)
from shopify_sim.orders_edit import EditInput, edit_order
from shopify_sim.orders_fulfillment import create_fulfillment, fulfill_lines
from shopify_sim.orders_refunds import CancelInput, RefundInput, cancel_order, refund_order
from shopify_sim.payloads import customer_body, fulfillment_body
from shopify_sim.state import (
    Address,
    Customer,
    DiscountAllocation,
    DiscountApplication,
    LineItem,
    Order,
    ShippingLine,
    Shop,
    SimState,
    TaxLine,
    Transaction,
)

__all__ = [
    "CancelInput",
    "EditInput",
    "OrderInput",
    "RefundInput",
    "cancel_order",
    "create_fulfillment",
    "edit_order",
    "mark_paid",
    "place_order",
    "refund_order",
]


class AddressInput(Input):
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    country: str | None = None
    country_code: str | None = None
    zip: str | None = None
    phone: str | None = None


class CustomerInput(Input):
    """An existing customer by id or email; an unknown email creates the customer."""

    id: int | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    address: AddressInput | None = None


class DiscountInput(Input):
    code: str
    value_type: Literal["percentage", "fixed_amount"]
    value: Decimal = Field(gt=0)


class ShippingInput(Input):
    title: str = "Standard Shipping"
    price: Decimal = Field(ge=0)
    code: str | None = None


class OrderInput(Input):
    lines: list[LineInput] = Field(min_length=1)
    customer: CustomerInput | None = None  # None: a guest checkout
    email: str | None = None  # a guest's email
    discount: DiscountInput | None = None
    shipping: ShippingInput | None = None
    tax: TaxInput | None = None
    taxes_included: bool = False
    gateway: str = "bogus"
    payment: Literal["paid", "pending", "authorized"] = "paid"
    source: Literal["web", "pos"] = "web"
    location_id: int | None = None  # where a POS sale happens
    shipping_address: AddressInput | None = None
    billing_address: AddressInput | None = None
    note: str | None = None
    tags: list[str] = Field(default_factory=list)
    test: bool = False
    # The order's shop currency when not the shop's current one, as for orders placed
    # before a merchant changed the store currency.
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


class MarkPaidInput(Input):
    amount: Decimal | None = Field(default=None, gt=0)  # None: everything outstanding
    gateway: str = "manual"


def _address(spec: AddressInput | None) -> Address | None:
    return Address(**spec.model_dump()) if spec is not None else None


def _customer(state: SimState, shop: Shop, spec: CustomerInput) -> tuple[Customer, bool]:
    """The order's customer, and whether it was created for this order."""
    if spec.id is not None:
        found = shop.customers.get(spec.id)
        if found is None:
            raise UserErrors.one(f"Customer {spec.id} does not exist", ["customer", "id"])
        return found, False
    if not spec.email:
        raise UserErrors.one("A customer needs an id or an email", ["customer"])
    email = spec.email.lower()
    for known in shop.customers.values():
        if known.email is not None and known.email.lower() == email:
            return known, False
    now = state.now()
    address = _address(spec.address)
    if address is not None:
        address.id = state.next_id()
    created = Customer(
        id=state.next_id(),
        created_at=now,
        updated_at=now,
        email=spec.email,
        first_name=spec.first_name,
        last_name=spec.last_name,
        phone=spec.phone,
        addresses=[address] if address is not None else [],
        state="disabled",
        verified_email=False,
        currency=shop.currency,
    )
    shop.customers[created.id] = created
    return created, True


def _allocate(lines: list[LineItem], spec: DiscountInput) -> None:
    """Spread a code discount across the lines: by rate, or pro rata for a fixed amount."""
    gross = [line.price * line.quantity for line in lines]
    total = sum(gross, Decimal(0))
    if spec.value_type == "percentage":
        amounts = [cents(g * min(spec.value, Decimal(100)) / 100) for g in gross]
    else:
        value = min(spec.value, total)
        amounts = [cents(value * g / total) if total else Decimal(0) for g in gross[:-1]]
        amounts.append(value - sum(amounts, Decimal(0)))
    for line, amount in zip(lines, amounts, strict=True):
        if amount > 0:
            line.discount_allocations.append(DiscountAllocation(amount, 0))


def _shipping_line(state: SimState, spec: OrderInput) -> list[ShippingLine]:
    if spec.shipping is None:
        return []
    line = ShippingLine(
        id=state.next_id(),
        title=spec.shipping.title,
        price=spec.shipping.price,
        code=spec.shipping.code or spec.shipping.title,
    )
    tax = spec.tax
    if tax is not None and tax.shipping and tax.rate > 0 and line.price > 0:
        line.tax_lines = [
            TaxLine(tax.title, tax.rate, tax_for(line.price, tax.rate, spec.taxes_included))
        ]
    return [line]


def _new_order(state: SimState, shop: Shop, spec: OrderInput, lines: list[LineItem]) -> Order:
    now = state.now()
    number = shop.next_order_number
    shop.next_order_number += 1
    order = Order(
        id=state.next_id(),
        name=f"#{number}",
        order_number=number,
        number=number - 1000,
        created_at=now,
        updated_at=now,
        processed_at=now,
        currency=spec.currency or shop.currency,
        financial_status="pending",
        email=spec.email,
        line_items=lines,
        shipping_lines=_shipping_line(state, spec),
        shipping_address=_address(spec.shipping_address),
        billing_address=_address(spec.billing_address),
        source_name=spec.source,
        location_id=spec.location_id if spec.source == "pos" else None,
        gateway=spec.gateway,
        taxes_included=spec.taxes_included,
        test=spec.test,
        note=spec.note,
        tags=list(spec.tags),
    )
    if spec.discount is not None:
        order.discount_applications.append(
            DiscountApplication(
                type="discount_code",
                value=spec.discount.value,
                value_type=spec.discount.value_type,
                title=spec.discount.code,
                code=spec.discount.code,
            )
        )
    return order


def _take_payment(state: SimState, order: Order, spec: OrderInput) -> list[Transaction]:
    total = order.total
    if total <= 0:
        return []
    if spec.payment == "paid":
        return [new_transaction(state, order, "sale", total, gateway=spec.gateway)]
    if spec.payment == "authorized":
        return [new_transaction(state, order, "authorization", total, gateway=spec.gateway)]
    return [new_transaction(state, order, "sale", total, gateway=spec.gateway, status="pending")]


def place_order(state: SimState, shop: Shop, spec: OrderInput) -> Order:
    """A checkout (source "web") or a POS sale at a location (source "pos")."""
    with state.action():
        if spec.source == "pos" and (
            spec.location_id is None or spec.location_id not in shop.locations
        ):
            raise UserErrors.one("A POS order needs an existing location_id", ["location_id"])
        lines = [
            build_line(state, shop, line, ["lines", str(i)]) for i, line in enumerate(spec.lines)
        ]
        check_stock(shop, lines, spec.location_id if spec.source == "pos" else None)
        customer, created = (
            _customer(state, shop, spec.customer) if spec.customer else (None, False)
        )
        order = _new_order(state, shop, spec, lines)
        if customer is not None:
            order.customer_id = customer.id
            order.email = order.email or customer.email
            default = customer.addresses[0] if customer.addresses else None
            order.shipping_address = order.shipping_address or _copy(default)
            order.billing_address = order.billing_address or _copy(default)
        if spec.discount is not None:
            _allocate(lines, spec.discount)
        for line in lines:
            apply_tax(line, spec.tax, spec.taxes_included)
        shop.orders[order.id] = order
        fulfillment_orders, moves = open_fulfillment_orders(
            state, shop, order, lines, order.location_id
        )
        order.fulfillment_orders = fulfillment_orders
        txns = _take_payment(state, order, spec)
        paid = settle(state, order)
        if created and customer is not None:
            state.emit(shop, "customers/create", customer_body(shop, customer))
        handed_over = None
        if spec.source == "pos":  # handed over the counter: fulfilled on the spot
            picks = [
                (fo, [(li, li.total_quantity) for li in fo.line_items]) for fo in fulfillment_orders
            ]
            handed_over, shipped = fulfill_lines(state, order, picks, None, False)
            moves = merge_moves(moves, shipped)
        move_stock(state, shop, moves, "other")
        emit_order(state, shop, order, "orders/create")
        emit_transactions(state, shop, order, txns)
        if paid:
            emit_order(state, shop, order, "orders/paid")
        if handed_over is not None:
            state.emit(shop, "fulfillments/create", fulfillment_body(shop, order, handed_over))
            emit_order(state, shop, order, "orders/fulfilled")
        return order


def _copy(address: Address | None) -> Address | None:
    """A customer's address used on an order (order addresses carry no id)."""
    return dataclasses.replace(address, id=None) if address is not None else None


def mark_paid(state: SimState, shop: Shop, order_id: int, spec: MarkPaidInput) -> Order:
    """The admin's "Mark as paid" / "Capture payment": a capture or a manual sale."""
    with state.action():
        order = find_order(shop, order_id)
        if order.cancelled_at is not None:
            raise UserErrors.one("A cancelled order cannot be paid", ["id"])
        due = outstanding(order)
        if due <= 0:
            raise UserErrors.one(f"Order {order.name} has nothing outstanding", ["id"])
        amount = min(spec.amount or due, due)
        authorized = open_authorization(order)
        if authorized > 0:
            parent = next(t for t in order.transactions if t.kind == "authorization")
            txn = new_transaction(
                state,
                order,
                "capture",
                min(amount, authorized),
                gateway=parent.gateway,
                parent_id=parent.id,
            )
        else:
            txn = new_transaction(state, order, "sale", amount, gateway=spec.gateway)
        paid = settle(state, order)
        emit_transactions(state, shop, order, [txn])
        if paid:
            emit_order(state, shop, order, "orders/paid")
        emit_order(state, shop, order, "orders/updated")
        return order
