"""Products and variants: queries, fields, productSet and productVariantsBulkUpdate."""

from __future__ import annotations

from typing import Any

from shopify_sim.catalog import bulk_update_variants
from shopify_sim.catalog_set import DEFAULT_OPTION, product_set
from shopify_sim.errors import UserErrors
from shopify_sim.payloads import available
from shopify_sim.resolvers_common import Info, connection, ctx, id_of, payload, resolver
from shopify_sim.search import search
from shopify_sim.state import Product, ProductOption, Shop, Variant, gid

_PRODUCT_SORT = {
    "ID": lambda p: p.id,
    "TITLE": lambda p: p.title.lower(),
    "UPDATED_AT": lambda p: p.updated_at,
    "CREATED_AT": lambda p: p.created_at,
}
_VARIANT_SORT = {
    "ID": lambda v: v.id,
    "SKU": lambda v: v.sku or "",
    "TITLE": lambda v: v.title.lower(),
    "POSITION": lambda v: (v.product_id, v.position),
}


def _product_fields(shop: Shop) -> dict[str, Any]:
    return {
        "id": lambda p: p.id,
        "title": lambda p: p.title,
        "handle": lambda p: p.handle,
        "sku": lambda p: [v.sku for v in p.variants],
        "barcode": lambda p: [v.barcode for v in p.variants],
        "status": lambda p: p.status,
        "vendor": lambda p: p.vendor,
        "product_type": lambda p: p.product_type,
        "tag": lambda p: p.tags,
        "updated_at": lambda p: p.updated_at,
        "created_at": lambda p: p.created_at,
    }


def _variant_fields(shop: Shop) -> dict[str, Any]:
    return {
        "id": lambda v: v.id,
        "sku": lambda v: v.sku,
        "barcode": lambda v: v.barcode,
        "title": lambda v: v.title,
        "product_id": lambda v: v.product_id,
        "updated_at": lambda v: v.updated_at,
        "created_at": lambda v: v.created_at,
        "product_status": lambda v: shop.products[v.product_id].status,
    }


@resolver("QueryRoot", "products")
def products(_: None, info: Info, **args: Any) -> dict[str, Any]:
    shop = ctx(info).shop
    found = search(
        shop.products.values(), args.get("query"), _product_fields(shop), lambda p: p.title
    )
    sort_key = args.get("sortKey") or "ID"
    return connection(info, found, args, _PRODUCT_SORT.get(sort_key, _PRODUCT_SORT["ID"]))


@resolver("QueryRoot", "productVariants")
def product_variants(_: None, info: Info, **args: Any) -> dict[str, Any]:
    shop = ctx(info).shop
    found = search(
        shop.variants(),
        args.get("query"),
        _variant_fields(shop),
        lambda v: [v.sku, v.title, shop.products[v.product_id].title],
    )
    sort_key = args.get("sortKey") or "ID"
    return connection(info, found, args, _VARIANT_SORT.get(sort_key, _VARIANT_SORT["ID"]))


@resolver("QueryRoot", "product")
def product(_: None, info: Info, id: str) -> Product | None:
    number = id_of(id, "Product")
    return ctx(info).shop.products.get(number) if number is not None else None


@resolver("QueryRoot", "productVariant")
def product_variant(_: None, info: Info, id: str) -> Variant | None:
    number = id_of(id, "ProductVariant")
    return ctx(info).shop.variant(number) if number is not None else None


# -- Product ------------------------------------------------------------------------


@resolver("Product", "variants")
def variants(product: Product, info: Info, **args: Any) -> dict[str, Any]:
    return connection(info, product.variants, args, lambda v: v.position)


@resolver("Product", "variantsCount")
def variants_count(product: Product, _: Info) -> dict[str, Any]:
    return {"count": len(product.variants), "precision": "EXACT"}


@resolver("Product", "options")
def options(product: Product, _: Info, first: int | None = None) -> list[ProductOption]:
    return product.options[:first] if first is not None else product.options


@resolver("Product", "totalInventory")
def total_inventory(product: Product, info: Info) -> int:
    shop = ctx(info).shop
    return sum(available(shop, v.inventory_item_id) for v in product.variants)


@resolver("Product", "tracksInventory")
def tracks_inventory(product: Product, info: Info) -> bool:
    items = ctx(info).shop.inventory_items
    return any(
        items[v.inventory_item_id].tracked for v in product.variants if v.inventory_item_id in items
    )


@resolver("Product", "hasOnlyDefaultVariant")
def has_only_default_variant(product: Product, _: Info) -> bool:
    return len(product.variants) == 1 and product.variants[0].option_values == [DEFAULT_OPTION]


@resolver("ProductOption", "optionValues")
def option_values(option: ProductOption, info: Info) -> list[dict[str, Any]]:
    product = next((p for p in ctx(info).shop.products.values() if option in p.options), None)
    used = {
        value
        for v in (product.variants if product else [])
        for name, value in v.option_values
        if name == option.name
    }
    return [
        {
            "id": f"{gid('ProductOptionValue', option.id)}{i:03d}",
            "name": v,
            "hasVariants": v in used,
        }
        for i, v in enumerate(option.values)
    ]


# -- ProductVariant -----------------------------------------------------------------


@resolver("ProductVariant", "product")
def variant_product(variant: Variant, info: Info) -> Product:
    return ctx(info).shop.products[variant.product_id]


@resolver("ProductVariant", "inventoryItem")
def variant_inventory_item(variant: Variant, info: Info) -> Any:
    return ctx(info).shop.inventory_items.get(variant.inventory_item_id)


@resolver("ProductVariant", "inventoryQuantity")
def inventory_quantity(variant: Variant, info: Info) -> int:
    return available(ctx(info).shop, variant.inventory_item_id)


@resolver("ProductVariant", "inventoryPolicy")
def inventory_policy(variant: Variant, _: Info) -> str:
    return variant.inventory_policy.upper()


@resolver("ProductVariant", "displayName")
def display_name(variant: Variant, info: Info) -> str:
    return f"{ctx(info).shop.products[variant.product_id].title} - {variant.title}"


@resolver("ProductVariant", "selectedOptions")
def selected_options(variant: Variant, _: Info) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in variant.option_values]


@resolver("ProductVariant", "availableForSale")
def available_for_sale(variant: Variant, info: Info) -> bool:
    shop = ctx(info).shop
    item = shop.inventory_items.get(variant.inventory_item_id)
    in_stock = available(shop, variant.inventory_item_id) > 0
    untracked = item is not None and not item.tracked
    active = shop.products[variant.product_id].status == "ACTIVE"
    return active and (in_stock or untracked or variant.inventory_policy == "continue")


# -- mutations ----------------------------------------------------------------------


@resolver("Mutation", "productSet")
def product_set_mutation(
    _: None,
    info: Info,
    input: dict[str, Any],
    synchronous: bool = True,
    identifier: dict[str, Any] | None = None,
) -> dict[str, Any]:
    context = ctx(info)
    try:
        found, _created = product_set(context.state, context.shop, input, identifier)
    except UserErrors as refused:
        return payload(refused, product=None, productSetOperation=None)
    if synchronous:
        return {"product": found, "productSetOperation": None, "userErrors": []}
    operation = {
        "id": gid("ProductSetOperation", context.state.next_id()),
        "status": "COMPLETE",
        "product": found,
        "userErrors": [],
    }
    return {"product": None, "productSetOperation": operation, "userErrors": []}


@resolver("Mutation", "productVariantsBulkUpdate")
def product_variants_bulk_update(
    _: None, info: Info, productId: str, variants: list[dict[str, Any]], **__: Any
) -> dict[str, Any]:
    context = ctx(info)
    try:
        found, changed = bulk_update_variants(context.state, context.shop, productId, variants)
    except UserErrors as refused:
        return payload(refused, product=None, productVariants=None)
    return {"product": found, "productVariants": changed, "userErrors": []}
