"""Product and variant edits: the merchant's admin and ``productVariantsBulkUpdate``.

`update_product` is the shared door for the ``/_sim/`` routes (snake_case changes);
`bulk_update_variants` takes the GraphQL ``ProductVariantsBulkInput`` dicts as
graphql-core coerced them. ``productSet`` lives in ``catalog_set``. Each change touches
``updated_at`` (the reconciliation query filters on it) and emits ``products/update``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from shopify_sim.errors import UserError, UserErrors
from shopify_sim.payloads import product_body
from shopify_sim.state import InventoryItem, Product, Shop, SimState, Variant, parse_gid

__all__ = ["bulk_update_variants", "find_product", "money", "slug", "update_product"]

_PRODUCT_FIELDS = {"title", "vendor", "product_type", "tags", "status", "description_html"}
_VARIANT_FIELDS = {"id", "price", "sku", "barcode", "compare_at_price", "taxable"}


def money(value: Any, path: list[str]) -> Decimal:
    """A ``Money`` input (a decimal string or number) as Decimal; refuse a negative price."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise UserErrors.one(f"{value!r} is not a valid amount", path, "INVALID_INPUT") from None
    if amount < 0:
        raise UserErrors.one("Price can't be negative", path, "NEGATIVE_PRICE_VALUE")
    return amount


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "product"


def find_product(shop: Shop, product_id: int, path: list[str] | None = None) -> Product:
    product = shop.products.get(product_id)
    if product is None:
        raise UserErrors.one("Product does not exist", path, "PRODUCT_DOES_NOT_EXIST")
    return product


def touch(state: SimState, shop: Shop, product: Product) -> None:
    """Mark the product changed and tell the app (products/update)."""
    product.updated_at = state.now()
    with state.action():
        state.emit(shop, "products/update", product_body(shop, product))


def _item(shop: Shop, variant: Variant) -> InventoryItem:
    return shop.inventory_items[variant.inventory_item_id]


def set_sku(shop: Shop, variant: Variant, sku: str | None) -> None:
    """The SKU lives on the inventory item in GraphQL and on the variant in REST: keep both."""
    variant.sku = sku
    item = shop.inventory_items.get(variant.inventory_item_id)
    if item is not None:
        item.sku = sku


def _apply_variant_change(shop: Shop, variant: Variant, change: dict[str, Any], at: str) -> None:
    for key, value in change.items():
        if key == "price":
            variant.price = money(value, ["variants", at, "price"])
        elif key == "compare_at_price":
            variant.compare_at_price = (
                None if value is None else money(value, ["variants", at, "compare_at_price"])
            )
        elif key == "sku":
            set_sku(shop, variant, value)
        elif key == "barcode":
            variant.barcode = value
        elif key == "taxable":
            variant.taxable = bool(value)


def update_product(
    state: SimState, shop: Shop, product_id: int, changes: dict[str, Any]
) -> Product:
    """The merchant edits a product in the admin: fields, and variants' price/sku by id.

    ``changes`` keys: title, vendor, product_type, tags (list or comma string), status,
    description_html, variants ([{id, price, sku, barcode, compare_at_price, taxable}]).
    Everything is checked before anything changes.
    """
    product = find_product(shop, product_id, ["id"])
    unknown = sorted(set(changes) - _PRODUCT_FIELDS - {"variants"})
    if unknown:
        raise UserErrors.one(f"Unknown product fields {unknown}", [unknown[0]])
    status = changes.get("status")
    if status is not None and str(status).upper() not in ("ACTIVE", "DRAFT", "ARCHIVED"):
        raise UserErrors.one(f"Unknown status {status!r}", ["status"])
    variant_changes: list[dict[str, Any]] = list(changes.get("variants") or [])
    targets: list[Variant] = []
    for index, change in enumerate(variant_changes):
        by_id = {v.id: v for v in product.variants}
        bad = sorted(set(change) - _VARIANT_FIELDS)
        variant = by_id.get(int(change.get("id") or 0))
        if bad or variant is None:
            message = f"Unknown variant fields {bad}" if bad else "Variant does not exist"
            raise UserErrors.one(message, ["variants", str(index)])
        if "price" in change:
            money(change["price"], ["variants", str(index), "price"])
        targets.append(variant)
    for key in _PRODUCT_FIELDS & set(changes):
        value = changes[key]
        if key == "tags":
            value = [t.strip() for t in value.split(",")] if isinstance(value, str) else value
            value = [t for t in value if t]
        elif key == "status":
            value = str(value).upper()
        setattr(product, key, value)
    now = state.now()
    for index, (variant, change) in enumerate(zip(targets, variant_changes, strict=True)):
        _apply_variant_change(shop, variant, change, str(index))
        variant.updated_at = now
    touch(state, shop, product)
    return product


def _variant_input_change(spec: dict[str, Any]) -> dict[str, Any]:
    """A ``ProductVariantsBulkInput`` as the snake_case changes `update_product` speaks."""
    change: dict[str, Any] = {}
    for graphql_key, key in (
        ("price", "price"),
        ("compareAtPrice", "compare_at_price"),
        ("barcode", "barcode"),
        ("taxable", "taxable"),
    ):
        if graphql_key in spec:
            change[key] = spec[graphql_key]
    item = spec.get("inventoryItem") or {}
    if "sku" in item:
        change["sku"] = item["sku"]
    return change


def apply_item_input(item: InventoryItem, spec: dict[str, Any]) -> None:
    """The ``InventoryItemInput`` fields the emulator keeps (sku is set with the variant)."""
    if "tracked" in spec and spec["tracked"] is not None:
        item.tracked = bool(spec["tracked"])
    if "requiresShipping" in spec and spec["requiresShipping"] is not None:
        item.requires_shipping = bool(spec["requiresShipping"])
    if "cost" in spec:
        item.cost = None if spec["cost"] is None else Decimal(str(spec["cost"]))
    if "countryCodeOfOrigin" in spec:
        item.country_code_of_origin = spec["countryCodeOfOrigin"]
    if "harmonizedSystemCode" in spec:
        item.harmonized_system_code = spec["harmonizedSystemCode"]


def bulk_update_variants(
    state: SimState, shop: Shop, product_gid: str, specs: list[dict[str, Any]]
) -> tuple[Product, list[Variant]]:
    """``productVariantsBulkUpdate``: every variant checked first, then all applied."""
    try:
        _, product_id = parse_gid(product_gid, "Product")
    except ValueError:
        raise UserErrors.one(
            "Product does not exist", ["productId"], "PRODUCT_DOES_NOT_EXIST"
        ) from None
    product = find_product(shop, product_id, ["productId"])
    by_id = {v.id: v for v in product.variants}
    errors: list[UserError] = []
    targets: list[Variant] = []
    for index, spec in enumerate(specs):
        path = ["variants", str(index)]
        if not spec.get("id"):
            errors.append(UserError("Variant id is missing", path, "PRODUCT_VARIANT_ID_MISSING"))
            continue
        try:
            _, variant_id = parse_gid(str(spec["id"]), "ProductVariant")
        except ValueError:
            variant_id = 0
        variant = by_id.get(variant_id)
        if variant is None:
            errors.append(
                UserError(
                    "Product variant does not exist",
                    [*path, "id"],
                    "PRODUCT_VARIANT_DOES_NOT_EXIST",
                )
            )
            continue
        for key in ("price", "compareAtPrice"):
            if spec.get(key) is not None:
                try:
                    money(spec[key], [*path, key])
                except UserErrors as refused:
                    errors.extend(refused.errors)
        targets.append(variant)
    if errors:
        raise UserErrors(errors)
    now = state.now()
    for index, (variant, spec) in enumerate(zip(targets, specs, strict=True)):
        _apply_variant_change(shop, variant, _variant_input_change(spec), str(index))
        apply_item_input(_item(shop, variant), spec.get("inventoryItem") or {})
        if spec.get("inventoryPolicy"):
            variant.inventory_policy = (
                "continue" if spec["inventoryPolicy"] == "CONTINUE" else "deny"
            )
        variant.updated_at = now
    touch(state, shop, product)
    return product, targets
