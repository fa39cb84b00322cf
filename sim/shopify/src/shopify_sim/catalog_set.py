"""``productSet``: the product as the caller says it is, created or replaced whole.

List fields are replaced, not merged: options, tags, and variants (a variant left out is
deleted with its inventory item and levels). A variant is matched to an existing one by
id, else by its option values; a new variant gets an inventory item stocked at the
locations its ``inventoryQuantities`` name, or at the shop's first location. Everything
is checked before anything changes, so a refused call leaves the product as it was.
Input is the ``ProductSetInput`` dict graphql-core coerced (camelCase keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopify_sim.catalog import apply_item_input, money, set_sku, slug
from shopify_sim.errors import UserError, UserErrors
from shopify_sim.payloads import product_body
from shopify_sim.state import (
    InventoryItem,
    InventoryLevel,
    Product,
    ProductOption,
    Shop,
    SimState,
    Variant,
    parse_gid,
)

MAX_VARIANTS = 2048  # since 2025-10
MAX_OPTIONS = 3
DEFAULT_OPTION = ("Title", "Default Title")


@dataclass(frozen=True)
class _Plan:
    """A checked variant: the existing one it replaces (if any) and its option values."""

    spec: dict[str, Any]
    existing: Variant | None
    values: list[tuple[str, str]]


def _gid(value: str, kind: str, path: list[str], code: str) -> int:
    try:
        return parse_gid(value, kind)[1]
    except ValueError:
        raise UserErrors.one(f"Invalid id: {value}", path, code) from None


def _target(shop: Shop, identifier: dict[str, Any] | None) -> tuple[Product | None, str | None]:
    """The product an identifier names (None: create), and the handle to create it with."""
    if not identifier:
        return None, None
    if identifier.get("id"):
        path = ["identifier", "id"]
        product_id = _gid(identifier["id"], "Product", path, "PRODUCT_DOES_NOT_EXIST")
        product = shop.products.get(product_id)
        if product is None:
            raise UserErrors.one("Product does not exist", path, "PRODUCT_DOES_NOT_EXIST")
        return product, None
    handle = identifier.get("handle")
    if handle:
        found = next((p for p in shop.products.values() if p.handle == handle), None)
        return found, None if found else handle
    raise UserErrors.one("Give an id or a handle", ["identifier"], "INVALID_INPUT")


def _options(spec: dict[str, Any]) -> list[tuple[str, list[str]]] | None:
    raw = spec.get("productOptions")
    if raw is None:
        return None
    options: list[tuple[str, list[str]]] = []
    for index, option in enumerate(raw):
        path = ["input", "productOptions", str(index)]
        name = (option.get("name") or "").strip()
        if not name:
            raise UserErrors.one("Option name can't be blank", path, "INVALID_INPUT")
        if any(name == known for known, _ in options):
            raise UserErrors.one(f"Duplicated option name '{name}'", path, "DUPLICATED_OPTION_NAME")
        values = [v.get("name") or "" for v in option.get("values") or []]
        if not values:
            raise UserErrors.one(f"Option '{name}' needs values", path, "OPTION_VALUES_MISSING")
        if len(set(values)) != len(values):
            raise UserErrors.one("Duplicated option value", path, "DUPLICATED_OPTION_VALUE")
        options.append((name, values))
    if len(options) > MAX_OPTIONS:
        raise UserErrors.one(
            f"A product can have at most {MAX_OPTIONS} options",
            ["input", "productOptions"],
            "OPTIONS_OVER_LIMIT",
        )
    return options


def _variant_values(
    spec: dict[str, Any], options: list[tuple[str, list[str]]], path: list[str]
) -> list[tuple[str, str]]:
    by_name: dict[str, str] = {}
    for raw in spec.get("optionValues") or []:
        name, value = raw.get("optionName"), raw.get("name")
        if name not in dict(options):
            raise UserErrors.one(
                f"Option '{name}' does not exist", [*path, "optionValues"], "OPTION_DOES_NOT_EXIST"
            )
        if value not in dict(options)[name]:
            raise UserErrors.one(
                f"Option value '{value}' does not exist for option '{name}'",
                [*path, "optionValues"],
                "OPTION_VALUE_DOES_NOT_EXIST",
            )
        by_name[name] = value
    if set(by_name) != {name for name, _ in options}:
        raise UserErrors.one(
            "A variant needs one value for every option", [*path, "optionValues"], "INVALID_VARIANT"
        )
    return [(name, by_name[name]) for name, _ in options]


def _plan_variants(
    shop: Shop, product: Product | None, spec: dict[str, Any], options: list[tuple[str, list[str]]]
) -> list[_Plan]:
    specs: list[dict[str, Any]] = spec["variants"]
    if len(specs) > MAX_VARIANTS:
        raise UserErrors.one(
            f"A product can have at most {MAX_VARIANTS} variants",
            ["input", "variants"],
            "VARIANTS_OVER_LIMIT",
        )
    existing = {v.id: v for v in product.variants} if product else {}
    by_values = {tuple(v.option_values): v for v in existing.values()}
    plans: list[_Plan] = []
    errors: list[UserError] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    for index, variant_spec in enumerate(specs):
        path = ["input", "variants", str(index)]
        try:
            values = _variant_values(variant_spec, options, path)
            if tuple(values) in seen:
                raise UserErrors.one("Duplicated variant", path, "INVALID_VARIANT")
            seen.add(tuple(values))
            match = by_values.get(tuple(values))
            if variant_spec.get("id"):
                code = "PRODUCT_VARIANT_DOES_NOT_EXIST"
                match = existing.get(
                    _gid(variant_spec["id"], "ProductVariant", [*path, "id"], code)
                )
                if match is None:
                    raise UserErrors.one("Product variant does not exist", [*path, "id"], code)
            for key in ("price", "compareAtPrice"):
                if variant_spec.get(key) is not None:
                    money(variant_spec[key], [*path, key])
            for q_index, quantity in enumerate(variant_spec.get("inventoryQuantities") or []):
                q_path = [*path, "inventoryQuantities", str(q_index)]
                location = _gid(quantity["locationId"], "Location", q_path, "INVALID_INPUT")
                if location not in shop.locations or quantity["name"] not in (
                    "available",
                    "on_hand",
                ):
                    raise UserErrors.one("Invalid inventory quantity", q_path, "INVALID_INPUT")
            plans.append(_Plan(variant_spec, match, values))
        except UserErrors as refused:
            errors += refused.errors
    if errors:
        raise UserErrors(errors)
    return plans


def _new_variant(state: SimState, shop: Shop, product: Product, plan: _Plan) -> Variant:
    now = state.now()
    item = InventoryItem(id=state.next_id(), sku=None, created_at=now, updated_at=now)
    variant = Variant(
        id=state.next_id(),
        product_id=product.id,
        inventory_item_id=item.id,
        title="",
        price=Decimal("0.00"),
        position=0,
        created_at=now,
        updated_at=now,
    )
    item.variant_id = variant.id
    shop.inventory_items[item.id] = item
    quantities = plan.spec.get("inventoryQuantities") or []
    stocked: dict[int, dict[str, int]] = {}
    for quantity in quantities:
        location = parse_gid(quantity["locationId"], "Location")[1]
        stocked.setdefault(location, {})[quantity["name"]] = quantity["quantity"]
    if not stocked:
        stocked[next(iter(shop.locations))] = {}
    for location, values in stocked.items():
        level = InventoryLevel(
            id=state.next_id(), inventory_item_id=item.id, location_id=location, updated_at=now
        )
        on_hand = values.get("on_hand", values.get("available", 0))
        level.quantities.update(available=values.get("available", on_hand), on_hand=on_hand)
        shop.inventory_levels[(item.id, location)] = level
    return variant


def _apply_variant(shop: Shop, variant: Variant, plan: _Plan, position: int) -> None:
    spec = plan.spec
    variant.option_values = list(plan.values)
    variant.title = " / ".join(value for _, value in plan.values)
    variant.position = position
    if spec.get("price") is not None:
        variant.price = money(spec["price"], ["price"])
    if "compareAtPrice" in spec:
        value = spec["compareAtPrice"]
        variant.compare_at_price = None if value is None else money(value, ["compareAtPrice"])
    item_spec = spec.get("inventoryItem") or {}
    if "sku" in spec or "sku" in item_spec:
        set_sku(shop, variant, spec.get("sku", item_spec.get("sku")))
    if "barcode" in spec:
        variant.barcode = spec["barcode"]
    if spec.get("taxable") is not None:
        variant.taxable = bool(spec["taxable"])
    if spec.get("inventoryPolicy"):
        variant.inventory_policy = "continue" if spec["inventoryPolicy"] == "CONTINUE" else "deny"
    apply_item_input(shop.inventory_items[variant.inventory_item_id], item_spec)


def _delete_variant(shop: Shop, variant: Variant) -> None:
    shop.inventory_items.pop(variant.inventory_item_id, None)
    for key in [k for k in shop.inventory_levels if k[0] == variant.inventory_item_id]:
        del shop.inventory_levels[key]


def _unique_handle(shop: Shop, wanted: str, product_id: int) -> str:
    taken = {p.handle for p in shop.products.values() if p.id != product_id}
    handle, n = wanted, 1
    while handle in taken:
        handle, n = f"{wanted}-{n}", n + 1
    return handle


def _apply_product(shop: Shop, product: Product, spec: dict[str, Any]) -> None:
    for key, attr in (
        ("title", "title"),
        ("descriptionHtml", "description_html"),
        ("vendor", "vendor"),
        ("productType", "product_type"),
        ("status", "status"),
    ):
        if spec.get(key) is not None:
            setattr(product, attr, spec[key])
    if spec.get("tags") is not None:
        product.tags = [t.strip() for t in spec["tags"] if t.strip()]
    if spec.get("handle"):
        product.handle = _unique_handle(shop, spec["handle"], product.id)


def _set_options(state: SimState, product: Product, options: list[tuple[str, list[str]]]) -> None:
    known = {o.name: o for o in product.options}
    product.options = [
        ProductOption(
            id=known[name].id if name in known else state.next_id(),
            name=name,
            position=position,
            values=list(values),
        )
        for position, (name, values) in enumerate(options, 1)
    ]


def product_set(
    state: SimState, shop: Shop, spec: dict[str, Any], identifier: dict[str, Any] | None
) -> tuple[Product, bool]:
    """Create or replace a product; (product, created). Emits products/create|update."""
    product, handle = _target(shop, identifier)
    if product is None and not (spec.get("title") or "").strip():
        raise UserErrors.one("Title can't be blank", ["input", "title"], "MISSING_FIELD_REQUIRED")
    options = _options(spec)
    if spec.get("variants") is not None and options is None:
        raise UserErrors.one(
            "productOptions must be given with variants",
            ["input", "productOptions"],
            "PRODUCT_OPTIONS_INPUT_MISSING",
        )
    if options is None and product is None:
        options = [(DEFAULT_OPTION[0], [DEFAULT_OPTION[1]])]
        spec = {
            **spec,
            "variants": [
                {"optionValues": [{"optionName": DEFAULT_OPTION[0], "name": DEFAULT_OPTION[1]}]}
            ],
        }
    plans = (
        _plan_variants(shop, product, spec, options)
        if spec.get("variants") is not None and options is not None
        else []
    )
    created = product is None
    now = state.now()
    if product is None:
        title = spec["title"].strip()
        product = Product(
            id=state.next_id(),
            title=title,
            handle="",
            created_at=now,
            updated_at=now,
            published_at=now,
        )
        product.handle = _unique_handle(shop, handle or slug(title), product.id)
        shop.products[product.id] = product
    _apply_product(shop, product, spec)
    if options is not None:
        _set_options(state, product, options)
    if spec.get("variants") is not None:
        kept = {plan.existing.id for plan in plans if plan.existing is not None}
        for variant in product.variants:
            if variant.id not in kept:
                _delete_variant(shop, variant)
        variants = []
        for position, plan in enumerate(plans, 1):
            variant = plan.existing or _new_variant(state, shop, product, plan)
            _apply_variant(shop, variant, plan, position)
            variant.updated_at = now
            variants.append(variant)
        product.variants = variants
    product.updated_at = now
    with state.action():
        topic = "products/create" if created else "products/update"
        state.emit(shop, topic, product_body(shop, product))
    return product, created
