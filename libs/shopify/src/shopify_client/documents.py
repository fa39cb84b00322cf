"""Every GraphQL document the platform sends to Shopify, in one place.

Each is one named operation, so the contract test can validate all of them against the
real schema (2025-04 SDL with the 2026 inventory deltas) and the cost model can learn
each by name. Page documents take ``$first``/``$after`` and select ``nodes`` and
``pageInfo { hasNextPage endCursor }`` so ``paginate`` can follow them. Nested
connections are kept small: Shopify refuses a single query costing more than 1,000.
"""

from __future__ import annotations

from shopify_client.document import Document

PAGE_INFO = "pageInfo { hasNextPage endCursor }"
SHOP_MONEY = "shopMoney { amount currencyCode }"
MONEY = f"{SHOP_MONEY} presentmentMoney {{ amount currencyCode }}"
ADDRESS = (
    "firstName lastName company address1 address2 city province provinceCode "
    "country countryCodeV2 zip phone"
)

# --- catalog -------------------------------------------------------------------------

PRODUCTS_PAGE = Document(
    f"""
query ProductsPage($first: Int!, $after: String, $query: String) {{
  products(first: $first, after: $after, query: $query) {{
    nodes {{
      id handle title status vendor productType tags descriptionHtml updatedAt
    }}
    {PAGE_INFO}
  }}
}}
"""
)

PRODUCT_VARIANTS_PAGE = Document(
    f"""
query ProductVariantsPage($first: Int!, $after: String, $query: String) {{
  productVariants(first: $first, after: $after, query: $query) {{
    nodes {{
      id sku barcode price compareAtPrice taxable updatedAt
      product {{ id }}
      inventoryItem {{ id tracked }}
    }}
    {PAGE_INFO}
  }}
}}
"""
)

PRODUCT_VARIANTS_BY_SKU = Document(
    """
query ProductVariantsBySku($query: String!, $first: Int!) {
  productVariants(first: $first, query: $query) {
    nodes {
      id sku barcode price title updatedAt
      product { id title status }
      inventoryItem { id tracked }
    }
  }
}
"""
)

PRODUCT_SET = Document(
    """
mutation ProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product {
      id handle updatedAt
      variants(first: 250) { nodes { id sku inventoryItem { id } } }
    }
    productSetOperation { id status }
    userErrors { field message code }
  }
}
"""
)

PRODUCT_VARIANTS_BULK_UPDATE = Document(
    """
mutation ProductVariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id sku barcode price compareAtPrice }
    userErrors { field message code }
  }
}
"""
)

# --- inventory -----------------------------------------------------------------------

LOCATIONS_PAGE = Document(
    f"""
query LocationsPage($first: Int!, $after: String) {{
  locations(first: $first, after: $after) {{
    nodes {{ id name isActive fulfillsOnlineOrders address {{ city countryCode }} }}
    {PAGE_INFO}
  }}
}}
"""
)

INVENTORY_ITEM_LEVELS = Document(
    f"""
query InventoryItemLevels($id: ID!, $first: Int!, $after: String) {{
  inventoryItem(id: $id) {{
    id sku tracked
    inventoryLevels(first: $first, after: $after) {{
      nodes {{
        id updatedAt
        location {{ id name }}
        quantities(names: ["available", "on_hand"]) {{ name quantity }}
      }}
      {PAGE_INFO}
    }}
  }}
}}
"""
)

INVENTORY_LEVEL_AT_LOCATION = Document(
    """
query InventoryLevelAtLocation($inventoryItemId: ID!, $locationId: ID!, $names: [String!]!) {
  inventoryItem(id: $inventoryItemId) {
    id sku tracked
    inventoryLevel(locationId: $locationId) {
      id updatedAt
      quantities(names: $names) { name quantity }
    }
  }
}
"""
)

LOCATION_INVENTORY_LEVELS_PAGE = Document(
    f"""
query LocationInventoryLevelsPage($locationId: ID!, $first: Int!, $after: String) {{
  location(id: $locationId) {{
    id
    inventoryLevels(first: $first, after: $after) {{
      nodes {{
        id
        item {{ id sku }}
        quantities(names: ["available"]) {{ name quantity }}
      }}
      {PAGE_INFO}
    }}
  }}
}}
"""
)

# Since 2026-04 every quantity must carry changeFromQuantity (compare-and-swap; null
# skips the check) and the key makes a repeated call return the first call's result.
INVENTORY_SET_QUANTITIES = Document(
    """
mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup {
      id createdAt reason referenceDocumentUri
      changes { name delta quantityAfterChange item { id } location { id } }
    }
    userErrors { field message code }
  }
}
"""
)

INVENTORY_ITEM_UPDATE = Document(
    """
mutation InventoryItemUpdate($id: ID!, $input: InventoryItemInput!) {
  inventoryItemUpdate(id: $id, input: $input) {
    inventoryItem { id sku tracked requiresShipping }
    userErrors { field message }
  }
}
"""
)

INVENTORY_ACTIVATE = Document(
    """
mutation InventoryActivate($inventoryItemId: ID!, $locationId: ID!, $available: Int) {
  inventoryActivate(
    inventoryItemId: $inventoryItemId, locationId: $locationId, available: $available
  ) {
    inventoryLevel { id location { id } quantities(names: ["available"]) { name quantity } }
    userErrors { field message }
  }
}
"""
)

# --- customers -----------------------------------------------------------------------

_CUSTOMER_FIELDS = "id firstName lastName email phone note tags createdAt updatedAt"
_CUSTOMER = f"""
      {_CUSTOMER_FIELDS}
      defaultAddress {{ id {ADDRESS} }}
      addressesV2(first: 10) {{ nodes {{ id {ADDRESS} }} }}
"""

# A full page costs 2 + 250 x 2 = 502; every address of 250 customers would cost 3,502,
# over the 1,000 a single query may cost. The mutations below return all addresses (a
# mutation's payload is free).
CUSTOMERS_PAGE = Document(
    f"""
query CustomersPage($first: Int!, $after: String, $query: String) {{
  customers(first: $first, after: $after, query: $query) {{
    nodes {{ {_CUSTOMER_FIELDS} defaultAddress {{ id {ADDRESS} }} }}
    {PAGE_INFO}
  }}
}}
"""
)

CUSTOMER_SET = Document(
    f"""
mutation CustomerSet($input: CustomerSetInput!, $identifier: CustomerSetIdentifiers) {{
  customerSet(input: $input, identifier: $identifier) {{
    customer {{ {_CUSTOMER} }}
    userErrors {{ field message code }}
  }}
}}
"""
)

CUSTOMER_CREATE = Document(
    f"""
mutation CustomerCreate($input: CustomerInput!) {{
  customerCreate(input: $input) {{
    customer {{ {_CUSTOMER} }}
    userErrors {{ field message }}
  }}
}}
"""
)

CUSTOMER_UPDATE = Document(
    f"""
mutation CustomerUpdate($input: CustomerInput!) {{
  customerUpdate(input: $input) {{
    customer {{ {_CUSTOMER} }}
    userErrors {{ field message }}
  }}
}}
"""
)

# --- orders --------------------------------------------------------------------------

# ``query`` is Shopify search syntax, e.g. "updated_at:>'2026-11-01T00:00:00Z'"
# (see ``pagination.updated_since``): the reconciliation that webhooks alone cannot give.
ORDERS_UPDATED_SINCE = Document(
    f"""
query OrdersUpdatedSince($first: Int!, $after: String, $query: String!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    nodes {{
      id name createdAt updatedAt cancelledAt
      displayFinancialStatus displayFulfillmentStatus
    }}
    {PAGE_INFO}
  }}
}}
"""
)

# One order is read with two documents: with refunds and fulfillment orders the
# selection would cost ~1,700 points by Shopify's rules, over the single-query limit.
# OrderById (~800): what a sales document needs, enough to rebuild the orders/* webhook
# body (orders.adapters.shopify_order_shape); per line only shop money, which is what
# the ERP keeps, so 50 lines with their taxes and discount allocations stay affordable.
# ``pageInfo`` on the lines tells a truncated order from a complete one.
# OrderAfterSale (~760): what cancellations, credit notes and fulfilments need.
ORDER_BY_ID = Document(
    f"""
query OrderById($id: ID!) {{
  order(id: $id) {{
    id name email phone note tags test sourceName retailLocation {{ id }}
    createdAt updatedAt processedAt cancelledAt cancelReason closedAt
    currencyCode taxesIncluded
    displayFinancialStatus displayFulfillmentStatus
    paymentGatewayNames discountCodes
    customer {{ id email phone firstName lastName }}
    billingAddress {{ {ADDRESS} }}
    shippingAddress {{ {ADDRESS} }}
    subtotalPriceSet {{ {MONEY} }}
    totalDiscountsSet {{ {MONEY} }}
    totalShippingPriceSet {{ {MONEY} }}
    totalTaxSet {{ {MONEY} }}
    totalPriceSet {{ {MONEY} }}
    totalOutstandingSet {{ {MONEY} }}
    currentSubtotalPriceSet {{ {MONEY} }}
    currentTotalDiscountsSet {{ {MONEY} }}
    currentTotalTaxSet {{ {MONEY} }}
    currentTotalPriceSet {{ {MONEY} }}
    taxLines {{ title rate priceSet {{ {MONEY} }} }}
    shippingLines(first: 5) {{
      nodes {{
        id title code
        originalPriceSet {{ {MONEY} }}
        discountedPriceSet {{ {MONEY} }}
        taxLines {{ title rate priceSet {{ {MONEY} }} }}
      }}
      pageInfo {{ hasNextPage }}
    }}
    discountApplications(first: 10) {{
      nodes {{
        allocationMethod targetType
        value {{
          ... on MoneyV2 {{ amount currencyCode }}
          ... on PricingPercentageValue {{ percentage }}
        }}
        ... on DiscountCodeApplication {{ code }}
      }}
    }}
    lineItems(first: 50) {{
      nodes {{
        id sku name title quantity currentQuantity
        variant {{ id }}
        originalUnitPriceSet {{ {SHOP_MONEY} }}
        taxLines {{ title rate priceSet {{ {SHOP_MONEY} }} }}
        discountAllocations {{
          allocatedAmountSet {{ {SHOP_MONEY} }}
          discountApplication {{ index }}
        }}
      }}
      pageInfo {{ hasNextPage }}
    }}
    transactions(first: 20) {{
      id kind status gateway processedAt
      parentTransaction {{ id }}
      amountSet {{ {MONEY} }}
    }}
  }}
}}
"""
)

ORDER_AFTER_SALE = Document(
    f"""
query OrderAfterSale($id: ID!) {{
  order(id: $id) {{
    id name updatedAt cancelledAt cancelReason displayFinancialStatus
    refunds(first: 5) {{
      id createdAt note
      totalRefundedSet {{ {MONEY} }}
      refundLineItems(first: 20) {{
        nodes {{ quantity restockType lineItem {{ id sku }} subtotalSet {{ {MONEY} }} }}
      }}
    }}
    fulfillmentOrders(first: 5) {{
      nodes {{
        id status
        assignedLocation {{ location {{ id }} }}
        lineItems(first: 20) {{
          nodes {{ id remainingQuantity totalQuantity lineItem {{ id sku }} }}
        }}
      }}
    }}
  }}
}}
"""
)

FULFILLMENT_CREATE = Document(
    """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment { id status createdAt trackingInfo { company number url } }
    userErrors { field message }
  }
}
"""
)

# --- webhooks ------------------------------------------------------------------------

WEBHOOK_SUBSCRIPTION_CREATE = Document(
    """
mutation WebhookSubscriptionCreate(
  $topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!
) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription {
      id topic format
      endpoint { ... on WebhookHttpEndpoint { callbackUrl } }
    }
    userErrors { field message }
  }
}
"""
)

WEBHOOK_SUBSCRIPTION_DELETE = Document(
    """
mutation WebhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}
"""
)

# --- bulk operations -----------------------------------------------------------------

_BULK_OPERATION = (
    "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl "
    "createdAt completedAt"
)

BULK_OPERATION_RUN_QUERY = Document(
    """
mutation BulkOperationRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
)

CURRENT_BULK_OPERATION = Document(
    f"""
query CurrentBulkOperation {{
  currentBulkOperation(type: QUERY) {{ {_BULK_OPERATION} }}
}}
"""
)

BULK_OPERATION_BY_ID = Document(
    f"""
query BulkOperationById($id: ID!) {{
  node(id: $id) {{ ... on BulkOperation {{ {_BULK_OPERATION} }} }}
}}
"""
)

ALL_DOCUMENTS: tuple[Document, ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, Document)
)
