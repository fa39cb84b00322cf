"""The ``webhooks`` section of the OpenAPI document: the signed change events an ERP
posts to the platform's gateway (bearer auth does not apply; the signature does)."""

from __future__ import annotations

from typing import Any

from erp_connector.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER

JSON = "application/json"


def webhooks(batch_schema: dict[str, Any]) -> dict[str, Any]:
    """The POST the ERP sends to the gateway; ``batch_schema`` refers to ``EventBatch``."""

    def header(name: str, description: str, pattern: str) -> dict[str, Any]:
        schema = {"type": "string", "pattern": pattern}
        return {
            "name": name,
            "in": "header",
            "required": True,
            "description": description,
            "schema": schema,
        }

    return {
        "changeEvents": {
            "post": {
                "operationId": "changeEvents",
                "summary": "Change events the ERP posts to the platform's gateway",
                "description": "Sent to POST /erp/{tenant}/events on the gateway, at least "
                "once and in order per entity. Signed with the tenant's secret: hex "
                "HMAC-SHA256 over the timestamp, a dot and the raw body. A non-2xx answer "
                "means nothing was stored: send the same batch again later.",
                "security": [],
                "parameters": [
                    header(
                        SIGNATURE_HEADER,
                        "hex HMAC-SHA256 of `<timestamp>.<body>`",
                        "^[0-9a-fA-F]{64}$",
                    ),
                    header(
                        TIMESTAMP_HEADER,
                        "Unix seconds; refused when more than 300 s away",
                        "^[0-9]{1,12}$",
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": batch_schema}},
                },
                "responses": {
                    "200": {"description": "Stored: the events will be processed"},
                    "401": {"description": "Signature or timestamp refused"},
                    "422": {"description": "Not an event batch"},
                    "503": {"description": "Could not be stored now: retry with backoff"},
                },
            }
        }
    }
