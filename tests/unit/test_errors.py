from __future__ import annotations

import asyncpg
import httpx
import pydantic
import pytest
from plumbing.errors import PermanentError, TransientError, classify, error_reason
from shopify_client import ShopifyAuthError, ShopifyUnavailableError


def _status_error(status: int) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://erp.test/documents")
    return httpx.HTTPStatusError(
        "x", request=request, response=httpx.Response(status, request=request)
    )


def _validation_error() -> pydantic.ValidationError:
    class M(pydantic.BaseModel):
        x: int

    try:
        M.model_validate({"x": "nope"})
    except pydantic.ValidationError as exc:
        return exc
    raise AssertionError


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (TransientError("erp busy"), "transient"),
        (ConnectionRefusedError(), "transient"),
        (TimeoutError(), "transient"),
        (httpx.ConnectTimeout("slow"), "transient"),
        (asyncpg.exceptions.DeadlockDetectedError(), "transient"),
        (_status_error(503), "transient"),
        (_status_error(429), "transient"),
        (_status_error(422), "permanent"),
        (PermanentError("unknown SKU TSHIRT-XL", reason="unknown_sku"), "permanent"),
        (_validation_error(), "permanent"),
        (KeyError("bug"), "permanent"),
        (ShopifyUnavailableError("503 from the shop", attempts=5), "transient"),
        (ShopifyAuthError("401: token revoked", status=401), "permanent"),
    ],
)
def test_classification(exc: BaseException, kind: str) -> None:
    assert classify(exc) == kind


def test_reason_is_the_permanent_reason_or_the_class() -> None:
    assert error_reason(PermanentError("x", reason="unmapped_tax")) == "unmapped_tax"
    assert error_reason(TimeoutError()) == "TimeoutError"
