"""One ERP call with bounded retries: builds the request from the operation table,
retries what is safe to retry, and turns the final answer into a response or an error.

A POST is retried only when it carries an Idempotency-Key (the ERP answers the first
result again); GET and PUT are idempotent by nature. Log lines name the operation, the
status and the reason, never the API key or a body (bodies hold customer data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx
import structlog
from pydantic import BaseModel, ValidationError

from erp_connector.answers import (
    RETRYABLE_STATUSES,
    error_for,
    local_validation_error,
    retry_after_s,
)
from erp_connector.errors import ErpUnavailable, ErpValidationError
from erp_connector.metrics import ErpMetrics
from erp_connector.retry import Clock, RetryPolicy
from erp_connector.routes import BY_ID, IDEMPOTENCY_HEADER, Operation

log = structlog.get_logger("erp_connector")

_OUTCOMES = {
    "ErpValidationError": "validation",
    "ErpNotFound": "not_found",
    "ErpConflict": "conflict",
    "ErpAuthError": "auth",
}


class ApiKey:
    """The company's API key; its repr never shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            msg = "the ERP API key must not be empty"
            raise ValueError(msg)
        self._value = value

    def bearer(self) -> str:
        return f"Bearer {self._value}"

    def __repr__(self) -> str:
        return "ApiKey('***')"


class Transport:
    def __init__(
        self,
        base_url: str,
        api_key: ApiKey,
        *,
        http: httpx.AsyncClient,
        policy: RetryPolicy,
        clock: Clock,
        metrics: ErpMetrics | None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._http = http
        self._policy = policy
        self._clock = clock
        self._metrics = metrics

    def __repr__(self) -> str:
        return f"Transport(base_url={self._base_url!r})"

    def url(self, operation: Operation, path: Mapping[str, str]) -> str:
        quoted = {name: quote(value, safe="") for name, value in path.items()}
        return self._base_url + operation.full_path.format(**quoted)

    def query(self, operation: Operation, values: Mapping[str, Any]) -> dict[str, Any]:
        """Validated with the operation's query model, without the absent values."""
        if operation.query is None:
            return {}
        try:
            model = operation.query.model_validate(values)
        except ValidationError as error:
            raised = local_validation_error(error, operation.id)
            self._count(operation.id, "validation")
            raise raised from None
        return model.model_dump(mode="json", exclude_none=True)

    async def call(
        self,
        operation_id: str,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, Any] | None = None,
        body: BaseModel | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """The successful answer; raises ``ErpPermanentError`` or ``ErpUnavailable``."""
        operation = BY_ID[operation_id]
        request = self._http.build_request(
            operation.method,
            self.url(operation, path or {}),
            params=self.query(operation, query or {}),
            content=None if body is None else body.model_dump_json(exclude_unset=False),
            headers={
                "Authorization": self._api_key.bearer(),
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if body is not None else {}),
                **(headers or {}),
            },
        )
        retryable = operation.method != "POST" or IDEMPOTENCY_HEADER in request.headers
        return await self._send(operation, request, retryable=retryable)

    async def _send(
        self, operation: Operation, request: httpx.Request, *, retryable: bool
    ) -> httpx.Response:
        policy, clock = self._policy, self._clock
        deadline = clock.monotonic() + policy.max_total_s
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            wait: float | None = None
            try:
                response = await self._http.send(request)
            except httpx.TimeoutException as error:
                reason = f"timeout ({type(error).__name__})"
            except httpx.TransportError as error:
                reason = f"network error ({type(error).__name__})"
            else:
                status = response.status_code
                if status < 400:
                    self._count(operation.id, "ok")
                    return response
                if status not in RETRYABLE_STATUSES:
                    raise self._permanent(operation, response)
                reason = f"HTTP {status}"
                wait = retry_after_s(response, clock.time())
            delay = policy.delay(attempt) if wait is None else wait
            if (
                not retryable
                or attempt >= policy.max_attempts
                or clock.monotonic() + delay > deadline
            ):
                self._count(operation.id, "unavailable")
                log.warning("erp.call.unavailable", operation=operation.id, status=status,
                            reason=reason, attempts=attempt)  # fmt: skip
                raise ErpUnavailable(reason, attempts=attempt, operation=operation.id)
            self._count(operation.id, "retried")
            log.info("erp.call.retry", operation=operation.id, status=status, reason=reason,
                     attempt=attempt, delay_s=round(delay, 3))  # fmt: skip
            await clock.sleep(delay)

    def _permanent(self, operation: Operation, response: httpx.Response) -> Exception:
        error = error_for(response, operation.id)
        fields = [f for f, _ in error.fields] if isinstance(error, ErpValidationError) else []
        outcome = _OUTCOMES.get(type(error).__name__, "rejected")
        self._count(operation.id, outcome)
        # A 404 is an answer ("no such SKU"), not a failure worth a warning.
        emit = log.info if response.status_code == 404 else log.warning
        emit("erp.call.rejected", operation=operation.id, status=response.status_code,
             reason=error.problem.title, fields=fields)  # fmt: skip
        return error

    def _count(self, operation_id: str, outcome: str) -> None:
        if self._metrics is not None:
            self._metrics.count(operation_id, outcome)
