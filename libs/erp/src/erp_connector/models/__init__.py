"""The wire models of the ERP connector API v1 (``erp_connector.routes`` lists the
operations; ``openapi.json`` is generated from both)."""
