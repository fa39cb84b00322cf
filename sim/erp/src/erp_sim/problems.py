"""Errors as RFC 9457 problem+json (``erp_connector.models.problems``), naming the field.

Handlers raise ``ApiError``; the app turns it (and pydantic's ``ValidationError``) into a
``Problem`` answer, so a bad input is a 4xx with a reason, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from erp_connector.models.problems import PROBLEM_MEDIA_TYPE, FieldError, Problem, ProblemType
from pydantic import ValidationError
from starlette.responses import Response

_TYPES: dict[int, ProblemType] = {
    401: "urn:erp-connector:unauthorized",
    404: "urn:erp-connector:not-found",
    409: "urn:erp-connector:conflict",
    422: "urn:erp-connector:validation",
    503: "urn:erp-connector:unavailable",
    500: "urn:erp-connector:internal",
}
_TITLES = {
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Validation failed",
    500: "Internal error",
    503: "Unavailable",
}


class ApiError(Exception):
    """An answer other than success: status, detail and the fields at fault."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = dict(headers or {})


def invalid(field: str, reason: str) -> ApiError:
    """A 422 naming one field (an unknown reference inside a valid body, a bad header)."""
    return ApiError(422, f"{field}: {reason}", [FieldError(field=field, reason=reason)])


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail)


def field_path(loc: Iterable[int | str], prefix: str = "") -> str:
    """pydantic's ``loc`` as a JSON path: ``("lines", 0, "sku")`` -> ``lines[0].sku``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path or prefix or "body"


def from_validation(error: ValidationError, prefix: str = "") -> ApiError:
    """A 422 listing every field pydantic refused (model-level errors name ``prefix``)."""
    errors = [
        FieldError(field=field_path(e["loc"], prefix), reason=e["msg"])
        for e in error.errors(include_url=False)
    ]
    return ApiError(422, "the request is not valid", errors)


def response(error: ApiError) -> Response:
    problem = Problem(
        type=_TYPES.get(error.status, "about:blank"),
        title=_TITLES.get(error.status, "Error"),
        status=error.status,
        detail=error.detail,
        errors=error.errors,
    )
    return Response(
        problem.model_dump_json(),
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=error.headers or None,
    )
