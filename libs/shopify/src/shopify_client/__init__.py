"""Shopify Admin GraphQL client for the sync services.

One ``ShopifyClient`` per shop, sharing a ``Pacer`` (the cost-bucket models and learned
document costs) and an httpx client across the process. Documents live in
``shopify_client.documents``; helpers for pagination, inventory batches, bulk queries,
SKU lookups and webhook HMAC sit in their own modules.
"""

from shopify_client.backoff import RetryPolicy
from shopify_client.bucket import CostBucket, Pacer
from shopify_client.bulk import reassemble, run_bulk_query
from shopify_client.client import ShopifyClient
from shopify_client.clock import Clock, SystemClock
from shopify_client.cost import CostEstimates, QueryCost, ThrottleStatus
from shopify_client.document import Document
from shopify_client.errors import (
    CHANGE_FROM_QUANTITY_STALE,
    BulkOperationError,
    ChangeFromQuantityStale,
    ShopifyAuthError,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyHTTPError,
    ShopifyThrottledError,
    ShopifyUnavailableError,
    ShopifyUserError,
    UserError,
)
from shopify_client.inventory import QuantityChange, batch_idempotency_key, set_quantities
from shopify_client.lookups import variants_by_sku
from shopify_client.metrics import ClientMetrics
from shopify_client.pagination import paginate, updated_since
from shopify_client.versions import DEFAULT_API_VERSION
from shopify_client.webhooks import verify_webhook

__all__ = [
    "CHANGE_FROM_QUANTITY_STALE",
    "DEFAULT_API_VERSION",
    "BulkOperationError",
    "ChangeFromQuantityStale",
    "ClientMetrics",
    "Clock",
    "CostBucket",
    "CostEstimates",
    "Document",
    "Pacer",
    "QuantityChange",
    "QueryCost",
    "RetryPolicy",
    "ShopifyAuthError",
    "ShopifyClient",
    "ShopifyError",
    "ShopifyGraphQLError",
    "ShopifyHTTPError",
    "ShopifyThrottledError",
    "ShopifyUnavailableError",
    "ShopifyUserError",
    "SystemClock",
    "ThrottleStatus",
    "UserError",
    "batch_idempotency_key",
    "paginate",
    "reassemble",
    "run_bulk_query",
    "set_quantities",
    "updated_since",
    "variants_by_sku",
    "verify_webhook",
]
