"""Pure pieces of the reference ERP: field paths, totals with included and excluded
taxes, routing, request hashes and migration file order."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from erp_connector.models.documents import SalesDocumentIn
from erp_sim import api, idempotency, totals
from erp_sim.migrations import migration_files
from erp_sim.problems import ApiError, field_path, from_validation
from pydantic import ValidationError


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("lines", 0, "sku"), "lines[0].sku"),
        (("external_refs", "shopify_order_id"), "external_refs.shopify_order_id"),
        (("lines",), "lines"),
        ((), "body"),
        (("variants", 2, "prices", 1, "tax_code"), "variants[2].prices[1].tax_code"),
    ],
)
def test_field_path(loc: tuple[int | str, ...], path: str) -> None:
    assert field_path(loc) == path


def test_validation_error_names_every_field() -> None:
    body = {
        "type": "order",
        "currency": "MXN",
        "payment_method": "CASH",
        "x": 1,
        "lines": [{"sku": "A", "quantity": 0, "unit_price": "1", "tax_code": "T"}],
    }
    with pytest.raises(ValidationError) as caught:
        SalesDocumentIn.model_validate(body)
    fields = {e.field for e in from_validation(caught.value).errors}
    assert fields == {"x", "lines[0].quantity"}


def _line(
    price: str,
    *,
    quantity: int = 1,
    discount: str = "0",
    rate: str = "0.16",
    included: bool = False,
) -> totals.Priced:
    return totals.price_line(
        sku="A",
        description="",
        quantity=quantity,
        unit_price=Decimal(price),
        discount=Decimal(discount),
        tax_code="T",
        rate=Decimal(rate),
        included=included,
    )


def test_excluded_tax_is_added() -> None:
    priced = _line("199.00", quantity=2, discount="10")
    assert priced.base == Decimal("388.00")
    assert priced.line.tax_amount == Decimal("62.08")
    assert priced.line.total == Decimal("450.08")


def test_included_tax_is_split_out() -> None:
    priced = _line("116.00", included=True)
    assert priced.base == Decimal("100.00")
    assert priced.line.tax_amount == Decimal("16.00")
    assert priced.line.total == Decimal("116.00")


def test_totals_add_up_to_the_cent() -> None:
    lines = [_line("0.10", quantity=3, included=True), _line("33.33"), _line("10", rate="0")]
    t = totals.totals(lines)
    assert t.total == t.subtotal + t.tax
    assert t.total == sum((p.line.total for p in lines), Decimal(0))


def test_too_large_is_refused() -> None:
    with pytest.raises(totals.AmountTooLarge):
        _line("999999999999999", quantity=10)


def test_routing_prefers_literal_segments_and_decodes_ids() -> None:
    op, params = api.match("GET", "/v1/customers/general-public")
    assert op.id == "getGeneralPublicCustomer"
    op, params = api.match("GET", "/v1/customers/a%2Fb")
    assert (op.id, params) == ("getCustomer", {"id": "a/b"})
    op, _ = api.match("POST", "/v1/sales-documents/x/cancel?y=1")
    assert op.id == "cancelSalesDocument"
    with pytest.raises(ApiError) as caught:
        api.match("DELETE", "/v1/products")
    assert caught.value.status == 405
    with pytest.raises(ApiError):
        api.match("GET", "/v1/nothing")


def test_request_hash_is_canonical() -> None:
    assert idempotency.request_hash({"a": 1, "b": [1, 2]}) == idempotency.request_hash(
        {"b": [1, 2], "a": 1}
    )
    assert idempotency.request_hash({"a": 1}) != idempotency.request_hash({"a": 2})


def test_migrations_in_number_order(tmp_path: Path) -> None:
    names = [p.name for p in migration_files()]
    assert names[0] == "0001_core.sql"
    assert names == sorted(names)
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0001_b.sql").write_text("")
    with pytest.raises(ValueError, match="share a number"):
        migration_files(tmp_path)
