"""Shopify Admin GraphQL client for the sync services."""
