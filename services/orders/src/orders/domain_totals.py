"""The ERP's total of a document, and the check that it equals Shopify's to the cent."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from erp_connector.models.documents import SalesDocumentIn
from erp_connector.models.reference import Tax

from orders.domain_document import Order, cents, shop_amount
from orders.domain_refusals import NotAnOrder, TotalMismatch, UnknownTaxCode


def erp_total(document: SalesDocumentIn, taxes: Mapping[str, Tax]) -> Decimal:
    """The total the ERP will compute, by its rules (``erp_sim.totals``): per line
    ``net = cents(quantity * unit_price - discount)``; an excluded tax adds
    ``cents(net * rate)``, an included one is already in ``net``; lines add up.
    ``taxes`` is the ERP's own tax table, so a code whose rate differs from Shopify's
    shows up as a total mismatch."""
    priced = [(x.quantity, x.unit_price, x.discount, x.tax_code, x.sku) for x in document.lines]
    if document.shipping is not None:
        s = document.shipping
        priced.append((1, s.amount, Decimal(0), s.tax_code, "shipping"))
    total = Decimal("0.00")
    for quantity, unit_price, discount, code, what in priced:
        tax = taxes.get(code)
        if tax is None:
            raise UnknownTaxCode(code, what)
        net = cents(quantity * unit_price - discount)
        total += net if tax.included else net + cents(net * tax.rate)
    return total + document.rounding


def shopify_total(order: Order) -> Decimal:
    """What the customer owes now: ``current_total_price`` (after edits and refunds, which
    is what the document is made from), else ``total_price`` on older payloads."""
    if "current_total_price" in order or "current_total_price_set" in order:
        return shop_amount(order, "current_total_price")
    if "total_price" not in order:
        raise NotAnOrder("it has no 'total_price'")
    return shop_amount(order, "total_price")


def check_total(
    order: Order, document: SalesDocumentIn, taxes: Mapping[str, Tax], tolerance: Decimal
) -> Decimal:
    """The ERP total less Shopify's. Within ``tolerance`` the handler closes the gap
    with the document's bounded ``rounding``; beyond it the order is refused with
    ``TotalMismatch``, naming the difference."""
    expected = shopify_total(order)
    computed = erp_total(document, taxes)
    difference = computed - expected
    if abs(difference) > tolerance:
        raise TotalMismatch(expected, computed, difference)
    return difference
