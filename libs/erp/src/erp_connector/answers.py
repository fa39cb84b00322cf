"""Turning an ERP's error answer into a typed error, and ``Retry-After`` into seconds.

ERPs and the proxies in front of them do not always answer problem+json: a plain-text
or HTML error still becomes an error that says the status and a short excerpt.
"""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, get_args

import httpx
from pydantic import ValidationError

from erp_connector.errors import (
    ErpAuthError,
    ErpConflict,
    ErpNotFound,
    ErpPermanentError,
    ErpValidationError,
)
from erp_connector.models.problems import FieldError, Problem

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_EXCERPT = 200
_ERRORS: dict[int, type[ErpPermanentError]] = {
    400: ErpValidationError,
    401: ErpAuthError,
    403: ErpAuthError,
    404: ErpNotFound,
    409: ErpConflict,
    412: ErpConflict,
    422: ErpValidationError,
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "HTTP error"


def problem_of(response: httpx.Response) -> Problem:
    """The answer's problem+json, or the best problem that can be made of another body."""
    status = response.status_code
    try:
        return Problem.model_validate_json(response.content)
    except ValidationError:
        pass
    detail: str | None = None
    try:
        parsed = json.loads(response.content)
    except ValueError:
        text = response.content.decode("utf-8", "replace").strip()
        detail = " ".join(text.split())[:_EXCERPT] or None
    else:
        if isinstance(parsed, dict):
            lenient = _lenient_problem(parsed, status)
            if lenient is not None:
                return lenient
            found = [parsed.get(k) for k in ("detail", "message", "error", "title")]
            detail = next((str(v)[:_EXCERPT] for v in found if isinstance(v, str | int)), None)
    return Problem(title=_phrase(status), status=min(max(status, 400), 599), detail=detail)


def _lenient_problem(parsed: dict[str, Any], status: int) -> Problem | None:
    """A problem+json with a ``type`` we do not know (or no title/status) keeps its
    field errors: only the unknown parts are replaced."""
    looks_like_problem = {"type", "title", "errors"} & parsed.keys()
    if not looks_like_problem or not isinstance(parsed.get("errors", []), list):
        return None
    known = get_args(Problem.model_fields["type"].annotation)
    candidate = {
        **parsed,
        "type": parsed.get("type") if parsed.get("type") in known else "about:blank",
        "title": parsed.get("title") if isinstance(parsed.get("title"), str) else _phrase(status),
        "status": min(max(status, 400), 599),
    }
    try:
        return Problem.model_validate(candidate)
    except ValidationError:
        return None


def error_for(response: httpx.Response, operation: str) -> ErpPermanentError:
    status = response.status_code
    return _ERRORS.get(status, ErpPermanentError)(status, problem_of(response), operation=operation)


def local_validation_error(error: ValidationError, operation: str) -> ErpValidationError:
    """A query the ERP would refuse anyway, refused before sending."""
    fields = [
        FieldError(field=".".join(str(part) for part in e["loc"]) or "query", reason=e["msg"])
        for e in error.errors(include_input=False)
    ]
    problem = Problem(
        type="urn:erp-connector:validation", title="Invalid query", status=422, errors=fields
    )
    return ErpValidationError(422, problem, operation=operation)


def retry_after_s(response: httpx.Response, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delta-seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
