"""What can go wrong calling an ERP, as exceptions a consumer can act on.

``transient`` tells the message pipeline whether retrying the whole message later may
help (the adapter's own retries are exhausted when one of these is raised): permanent
errors go to the DLQ naming the field and why; transient ones are retried with backoff.
"""

from __future__ import annotations

from typing import ClassVar

from erp_connector.models.problems import Problem


class ErpError(Exception):
    transient: ClassVar[bool] = False

    def __init__(self, message: str, *, operation: str = "") -> None:
        super().__init__(message)
        self.operation = operation


class ErpPermanentError(ErpError):
    """The ERP refused the request; the same request will be refused again."""

    def __init__(self, status: int, problem: Problem, *, operation: str = "") -> None:
        self.status = status
        self.problem = problem
        self.operation = operation
        super().__init__(self._describe(), operation=operation)

    def _describe(self) -> str:
        where = f"{self.operation}: " if self.operation else ""
        detail = f": {self.problem.detail}" if self.problem.detail else ""
        return f"{where}{self.status} {self.problem.title}{detail}"


class ErpValidationError(ErpPermanentError):
    """422: the body or query is invalid; ``fields`` says which field and why."""

    @property
    def fields(self) -> list[tuple[str, str]]:
        return [(error.field, error.reason) for error in self.problem.errors]

    def _describe(self) -> str:
        named = "; ".join(f"{field}: {reason}" for field, reason in self.fields)
        base = super()._describe()
        return f"{base} ({named})" if named else base


class ErpNotFound(ErpPermanentError):
    """404: the entity (or one it refers to) does not exist in this company."""


class ErpConflict(ErpPermanentError):
    """409: the version moved on, or an idempotency key was reused with another body."""


class ErpAuthError(ErpPermanentError):
    """401/403: the API key is wrong, revoked, or not allowed this operation."""


class ErpUnavailable(ErpError):
    """5xx, 429, timeouts or network errors outlasted the bounded retries."""

    transient = True

    def __init__(self, reason: str, *, attempts: int, operation: str = "") -> None:
        where = f"{operation}: " if operation else ""
        super().__init__(
            f"{where}ERP unavailable after {attempts} attempt(s): {reason}", operation=operation
        )
        self.reason = reason
        self.attempts = attempts


class ErpProtocolError(ErpError):
    """The ERP answered success with a body the contract does not allow: a bug on its
    side (or a contract mismatch) that retrying will not fix."""
