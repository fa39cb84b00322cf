"""A Shopify Admin API emulator that behaves like Shopify where a sync engine can tell."""
