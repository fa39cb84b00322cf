"""Demo data, so a fresh emulator has a catalog, stock, customers and an order to show.

It goes through the same operations the API uses (productSet, customerCreate, a
checkout), so the demo state is one the emulator could have reached by itself.
"""

from __future__ import annotations

from shopify_sim.catalog_set import product_set
from shopify_sim.customers import create_customer
from shopify_sim.orders import OrderInput, place_order
from shopify_sim.state import Shop, SimState, gid

_TEES = [("S", "TEE-S"), ("M", "TEE-M"), ("L", "TEE-L")]


def seed(state: SimState, shop: Shop) -> None:
    location = gid("Location", next(iter(shop.locations)))
    product_set(
        state,
        shop,
        {
            "title": "Organic Cotton Tee",
            "vendor": "Acme",
            "productType": "Shirts",
            "tags": ["demo", "cotton"],
            "productOptions": [{"name": "Size", "values": [{"name": s} for s, _ in _TEES]}],
            "variants": [
                {
                    "optionValues": [{"optionName": "Size", "name": size}],
                    "sku": sku,
                    "price": "25.00",
                    "inventoryQuantities": [
                        {"locationId": location, "name": "available", "quantity": 20}
                    ],
                }
                for size, sku in _TEES
            ],
        },
        None,
    )
    product_set(
        state,
        shop,
        {
            "title": "Canvas Tote Bag",
            "vendor": "Acme",
            "productType": "Bags",
            "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
            "variants": [
                {
                    "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                    "sku": "TOTE-1",
                    "price": "18.50",
                    "inventoryQuantities": [
                        {"locationId": location, "name": "available", "quantity": 50}
                    ],
                }
            ],
        },
        None,
    )
    create_customer(
        state,
        shop,
        {
            "email": "ana.garcia@example.com",
            "firstName": "Ana",
            "lastName": "García",
            "phone": "+525512345678",
            "addresses": [{"address1": "Av. Reforma 1", "city": "CDMX", "countryCode": "MX"}],
        },
    )
    place_order(
        state,
        shop,
        OrderInput.model_validate(
            {
                "lines": [{"sku": "TEE-M", "quantity": 2}, {"sku": "TOTE-1", "quantity": 1}],
                "customer": {"email": "ana.garcia@example.com"},
                "shipping": {"title": "Standard Shipping", "price": "5.00"},
                "tax": {"rate": "0.16", "title": "IVA"},
            }
        ),
    )
