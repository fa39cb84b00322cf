"""Reference back office implementing the ERP connector API v1 (``python -m erp_sim``)."""
