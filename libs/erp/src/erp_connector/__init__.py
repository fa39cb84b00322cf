"""The ERP connector API v1: one contract between the platform and every ERP.

``models`` and ``routes`` define it (``openapi.json`` is generated from them); ``port``
is what the services need, in their words; ``adapter`` implements the port over HTTP;
``signatures`` signs and verifies the change events an ERP sends to the gateway.
"""

from erp_connector.adapter import HttpErp
from erp_connector.errors import (
    ErpAuthError,
    ErpConflict,
    ErpError,
    ErpNotFound,
    ErpPermanentError,
    ErpProtocolError,
    ErpUnavailable,
    ErpValidationError,
)
from erp_connector.metrics import ErpMetrics
from erp_connector.port import ErpPort
from erp_connector.retry import Clock, RetryPolicy, SystemClock
from erp_connector.signatures import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EventSignatureError,
    SignatureMalformed,
    SignatureMismatch,
    SignatureMissing,
    TimestampOutsideWindow,
    sign,
    verify_event_signature,
)

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Clock",
    "ErpAuthError",
    "ErpConflict",
    "ErpError",
    "ErpMetrics",
    "ErpNotFound",
    "ErpPermanentError",
    "ErpPort",
    "ErpProtocolError",
    "ErpUnavailable",
    "ErpValidationError",
    "EventSignatureError",
    "HttpErp",
    "RetryPolicy",
    "SignatureMalformed",
    "SignatureMismatch",
    "SignatureMissing",
    "SystemClock",
    "TimestampOutsideWindow",
    "sign",
    "verify_event_signature",
]
