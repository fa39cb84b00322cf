"""The orders service's adapters to the outside world (Shopify's Admin API)."""

from orders.adapters.shopify_order_shape import IncompleteOrder, order_webhook_shape
from orders.adapters.shopify_orders import ShopifyOrdersAdapter

__all__ = ["IncompleteOrder", "ShopifyOrdersAdapter", "order_webhook_shape"]
