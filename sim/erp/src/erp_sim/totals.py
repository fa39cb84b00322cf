"""Tax and totals of a sales document or credit note: pure, so it is unit-tested alone.

A line's net amount is ``quantity * unit_price - discount``. With an excluded tax the tax
is added on top; with an included one the net amount already holds it and is split into
base and tax. Amounts round half-up to the cent per line; document totals add the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from erp_connector.models.documents import Line, Totals

CENT = Decimal("0.01")
LIMIT = Decimal(10) ** 15  # amounts travel with at most 15 integer digits


class AmountTooLarge(ValueError):
    """A computed amount does not fit the wire format."""


@dataclass(frozen=True, slots=True)
class Priced:
    line: Line
    base: Decimal  # before tax, after discount


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_line(
    *,
    sku: str,
    description: str,
    quantity: int,
    unit_price: Decimal,
    discount: Decimal,
    tax_code: str,
    rate: Decimal,
    included: bool,
) -> Priced:
    net = cents(quantity * unit_price - discount)
    if included:
        base = cents(net / (1 + rate))
        tax = net - base
        total = net
    else:
        base = net
        tax = cents(net * rate)
        total = net + tax
    if max(abs(total), abs(base), abs(tax)) >= LIMIT:
        raise AmountTooLarge(f"the line of {sku} comes to more than 15 digits")
    line = Line(
        sku=sku,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        discount=discount,
        tax_code=tax_code,
        tax_amount=tax,
        total=total,
    )
    return Priced(line=line, base=base)


def totals(priced: list[Priced], rounding: Decimal = Decimal(0)) -> Totals:
    """The lines' sums; ``rounding`` (a document's bounded adjustment) goes into the
    total only."""
    subtotal = sum((p.base for p in priced), Decimal("0.00"))
    discount = sum((p.line.discount for p in priced), Decimal("0.00"))
    tax = sum((p.line.tax_amount for p in priced), Decimal("0.00"))
    rounding = cents(rounding)
    total = sum((p.line.total for p in priced), Decimal("0.00")) + rounding
    if max(abs(subtotal), abs(total), abs(discount)) >= LIMIT:
        raise AmountTooLarge("the document comes to more than 15 digits")
    return Totals(subtotal=subtotal, discount=discount, tax=tax, rounding=rounding, total=total)
