"""The ERP connector API v1: one contract between the platform and every ERP.

``models`` and ``routes`` define it (``openapi.json`` is generated from them); ``port``
is what the services need, in their words; ``adapter`` implements the port over HTTP;
``signatures`` signs and verifies the change events an ERP sends to the gateway.
"""
