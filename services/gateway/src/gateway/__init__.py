"""Gateway: the platform's only HTTP ingress, from Shopify webhooks and ERP events to Kafka."""
