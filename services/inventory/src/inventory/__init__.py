"""Inventory service: stock levels between ERP warehouses and Shopify locations."""
