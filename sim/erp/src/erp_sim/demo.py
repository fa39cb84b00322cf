"""Demo data for a company: what a small Mexican retailer's back office holds, so the
platform has something real to sync (two warehouses, one for Shopify; IVA; MXN and USD;
cash, card, transfer and credit; four document types; products with Size/Color variants,
prices and opening stock)."""

from __future__ import annotations

from decimal import Decimal

from erp_connector.models.catalog import PriceIn, ProductIn, VariantIn

from erp_sim import store_catalog, store_companies, store_stock
from erp_sim.db import Conn, Pool
from erp_sim.settings import DEMO_API_KEY, DEMO_COMPANY, SimSettings

_WAREHOUSES = [("MAIN", "Almacén general", False), ("SHOPIFY", "Almacén Shopify", True)]
_TAXES = [("IVA16", "IVA 16%", Decimal("0.16"), False), ("IVA0", "IVA 0%", Decimal(0), False)]
_CURRENCIES = [("MXN", "Peso mexicano", True), ("USD", "US dollar", False)]
_PAYMENTS = [
    ("CASH", "Efectivo", False),
    ("CARD", "Tarjeta", False),
    ("TRANSFER", "Transferencia", False),
    ("CREDIT", "Crédito", True),
]
_DOC_TYPES = [
    ("order", "Pedido", "PED", False),
    ("remission", "Remisión", "REM", True),
    ("delivery_note", "Nota de entrega", "NE", True),
    ("invoice", "Factura", "FAC", True),
]
_PRODUCTS = [
    ("TSHIRT", "Playera básica", Decimal("199.00"), ["S", "M", "L"], ["Blanco", "Negro"]),
    ("HOODIE", "Sudadera", Decimal("549.00"), ["M", "L"], ["Gris"]),
    ("CAP", "Gorra", Decimal("249.00"), [], []),
]
# What the Shopify emulator's demo shop sells (sim/shopify demo.py), under the same SKUs,
# so a demo sale placed there finds its products here: (code, title, price, SKUs).
_SHOP_PRODUCTS = [
    ("TEE", "Organic Cotton Tee", Decimal("449.00"), ["TEE-S", "TEE-M", "TEE-L"]),
    ("TOTE", "Canvas Tote Bag", Decimal("329.00"), ["TOTE-1"]),
]


async def seed(conn: Conn, company_id: str) -> None:
    for code, name, is_shopify in _WAREHOUSES:
        await conn.execute(
            "INSERT INTO warehouses (company_id, code, name, is_shopify) VALUES ($1, $2, $3, $4)",
            company_id,
            code,
            name,
            is_shopify,
        )
    for code, name, rate, included in _TAXES:
        await conn.execute(
            "INSERT INTO taxes (company_id, code, name, rate, included) "
            "VALUES ($1, $2, $3, $4, $5)",
            company_id,
            code,
            name,
            rate,
            included,
        )
    for code, name, default in _CURRENCIES:
        await conn.execute(
            "INSERT INTO currencies (company_id, code, name, is_default) VALUES ($1, $2, $3, $4)",
            company_id,
            code,
            name,
            default,
        )
    for code, name, credit in _PAYMENTS:
        await conn.execute(
            "INSERT INTO payment_methods (company_id, code, name, is_credit) "
            "VALUES ($1, $2, $3, $4)",
            company_id,
            code,
            name,
            credit,
        )
    for type_, name, series, moves in _DOC_TYPES:
        await conn.execute(
            "INSERT INTO document_types (company_id, type, name, series, moves_stock) "
            "VALUES ($1, $2, $3, $4, $5)",
            company_id,
            type_,
            name,
            series,
            moves,
        )
    specs = []
    for code, title, price, sizes, colors in _PRODUCTS:
        variants = [
            VariantIn(
                sku="-".join(
                    [code, *([size] if size else []), *([color[:3].upper()] if color else [])]
                ),
                barcode=None,
                attributes={
                    **({"Size": size} if size else {}),
                    **({"Color": color} if color else {}),
                },
                prices=[
                    PriceIn(price_list="PUBLIC", amount=price, currency="MXN", tax_code="IVA16")
                ],
            )
            for size in (sizes or [""])
            for color in (colors or [""])
        ]
        product = ProductIn(
            code=code, title=title, description=f"{title} de algodón", variants=variants
        )
        specs.extend(await _save(conn, company_id, product))
    await store_stock.apply(conn, company_id, specs)
    await _shop_products(conn, company_id)


async def _shop_products(conn: Conn, company_id: str) -> None:
    """The shop's products, for a demo company seeded before they were part of it."""
    specs = []
    for code, title, price, skus in _SHOP_PRODUCTS:
        if await store_catalog.variants_of(conn, company_id, skus):
            continue
        variants = [
            VariantIn(
                sku=sku,
                barcode=None,
                attributes={"Size": sku.rsplit("-", 1)[1]} if len(skus) > 1 else {},
                prices=[
                    PriceIn(price_list="PUBLIC", amount=price, currency="MXN", tax_code="IVA16")
                ],
            )
            for sku in skus
        ]
        product = ProductIn(code=code, title=title, description=title, variants=variants)
        specs.extend(await _save(conn, company_id, product))
    if specs:
        await store_stock.apply(conn, company_id, specs)


async def _save(conn: Conn, company_id: str, product: ProductIn) -> list[store_stock.Spec]:
    """Creates the product; its opening stock, to apply in one go."""
    await store_catalog.save(conn, company_id, product, create=True)
    specs = []
    for v in product.variants:
        specs.append(store_stock.Spec("free_entry", v.sku, "SHOPIFY", 10, note="opening stock"))
        specs.append(store_stock.Spec("free_entry", v.sku, "MAIN", 25, note="opening stock"))
    return specs


async def seed_demo(pool: Pool, settings: SimSettings) -> bool:
    """Creates the demo company when ``demo`` is on, or unset and no company exists yet;
    True when it was created now."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('erp_sim.demo'))")
        any_company = await conn.fetchval("SELECT 1 FROM companies LIMIT 1")
        wanted = settings.demo if settings.demo is not None else not any_company
        if await store_companies.exists(conn, DEMO_COMPANY):
            if settings.demo is not False:
                await _shop_products(conn, DEMO_COMPANY)
            return False
        if not wanted:
            return False
        company = store_companies.CompanyIn(
            id=DEMO_COMPANY,
            name="Demo S.A. de C.V.",
            api_key=DEMO_API_KEY,
            event_url=settings.event_url,
            event_secret=settings.event_secret,
        )
        await store_companies.create(conn, company)
        await seed(conn, DEMO_COMPANY)
        return True
