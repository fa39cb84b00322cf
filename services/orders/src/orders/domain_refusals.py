"""Why an order is refused: permanent errors that go to the DLQ with a reason a support
person can act on. Each names the exact value that stopped the order and where to fix it,
because a replay only helps once the configuration (or the order) has changed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar


class Refusal(Exception):
    """An order that cannot become an ERP document as it is; never retried by itself."""

    code: ClassVar[str] = "refused"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotAnOrder(Refusal):
    code = "not_an_order"

    def __init__(self, missing: str) -> None:
        super().__init__(f"the payload is not a usable Shopify order: {missing}")
        self.missing = missing


class CurrencyMismatch(Refusal):
    code = "currency_mismatch"

    def __init__(self, order_currency: str, tenant_currency: str) -> None:
        super().__init__(
            f"the order is in {order_currency} but the tenant's ERP currency is "
            f"{tenant_currency} and {order_currency} is not in its other_currencies: "
            "the document would carry the wrong amounts"
        )
        self.order_currency = order_currency
        self.tenant_currency = tenant_currency


class UnmappedTaxRate(Refusal):
    code = "unmapped_tax_rate"

    def __init__(self, rate: str | None, line: str, *, setting: str = "tax_codes") -> None:
        if rate is None:  # an untaxed line: only the exempt code can carry it
            text = (
                f"{line} carries no tax and the tenant has no ERP code for untaxed lines: "
                f"set {setting} in the tenant's orders policy"
            )
        else:
            text = (
                f"no ERP tax code for the tax rate {rate} on {line}: "
                f"map {rate!r} in the tenant's orders policy ({setting})"
            )
        super().__init__(text)
        self.rate = rate
        self.line = line


class UnknownTaxCode(Refusal):
    code = "unknown_tax_code"

    def __init__(self, tax_code: str, line: str) -> None:
        super().__init__(
            f"the ERP has no tax code {tax_code!r} (used for {line}): "
            "fix the tenant's orders policy or create the tax in the ERP"
        )
        self.tax_code = tax_code
        self.line = line


class UnmappedGateway(Refusal):
    code = "unmapped_gateway"

    def __init__(self, gateways: Sequence[str]) -> None:
        named = ", ".join(repr(g) for g in gateways) or "none"
        super().__init__(
            f"no ERP payment method for the order's payment gateways ({named}) and no "
            "default: map one in the tenant's orders policy (payment_methods)"
        )
        self.gateways = tuple(gateways)


class LinesWithoutSku(Refusal):
    code = "lines_without_sku"

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(
            f"{len(lines)} line(s) have no SKU, so no ERP product can be matched: "
            f"{'; '.join(lines)}; give the variants a SKU in Shopify"
        )
        self.lines = tuple(lines)


class UnknownSku(Refusal):
    """Raised by the handler: only the ERP knows its catalogue."""

    code = "unknown_sku"

    def __init__(self, sku: str, line: str) -> None:
        super().__init__(
            f"the ERP has no product with SKU {sku!r} ({line}): create it in the ERP "
            "or correct the SKU in Shopify"
        )
        self.sku = sku
        self.line = line


class NothingToDocument(Refusal):
    code = "nothing_to_document"

    def __init__(self) -> None:
        super().__init__("every line of the order was removed or refunded: no document")


class InvalidDocument(Refusal):
    code = "invalid_document"

    def __init__(self, detail: str) -> None:
        super().__init__(f"the order does not fit the ERP contract: {detail}")
        self.detail = detail


class TotalMismatch(Refusal):
    code = "total_mismatch"

    def __init__(self, shopify_total: Decimal, erp_total: Decimal, difference: Decimal) -> None:
        super().__init__(
            f"the ERP document would total {erp_total} but Shopify's order totals "
            f"{shopify_total}: a difference of {difference}, beyond the rounding tolerance; "
            "check the tax mapping (included vs excluded, rate) and discounts"
        )
        self.shopify_total = shopify_total
        self.erp_total = erp_total
        self.difference = difference


class NotARefund(Refusal):
    code = "not_a_refund"

    def __init__(self, missing: str) -> None:
        super().__init__(f"the payload is not a usable Shopify refund: {missing}")
        self.missing = missing


class RefundLinesWithoutSku(Refusal):
    """The ERP credits by SKU, so a refunded line without one (a custom item, a tip)
    cannot be put on the credit note; support credits it by hand."""

    code = "refund_line_without_sku"

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(
            f"{len(lines)} refunded line(s) have no SKU, so the credit note cannot name "
            f"them: {'; '.join(lines)}; credit them by hand in the ERP"
        )
        self.lines = tuple(lines)


class NotAShipment(Refusal):
    code = "not_a_shipment"

    def __init__(self, detail: str) -> None:
        super().__init__(f"the payload is not a usable ERP shipment.created event: {detail}")
        self.detail = detail
