"""Catalog service: products, variants and customers between the ERP and Shopify."""
