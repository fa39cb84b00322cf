"""Errors: RFC 9457 ``application/problem+json`` with the field that is wrong and why."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from erp_connector.models.common import Out

PROBLEM_MEDIA_TYPE = "application/problem+json"

ProblemType = Literal[
    "about:blank",
    "urn:erp-connector:validation",  # 422: errors[] names each field
    "urn:erp-connector:not-found",  # 404
    "urn:erp-connector:conflict",  # 409: version mismatch, idempotency key reused
    "urn:erp-connector:unauthorized",  # 401
    "urn:erp-connector:unavailable",  # 503: retry later (Retry-After)
    "urn:erp-connector:internal",  # 500
]


class FieldError(Out):
    field: Annotated[str, Field(description="JSON path of the field: lines[2].sku")]
    reason: str


class Problem(Out):
    type: ProblemType = "about:blank"
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
