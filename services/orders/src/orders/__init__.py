"""Orders service: Shopify orders, cancellations, refunds and fulfillments as ERP documents."""
