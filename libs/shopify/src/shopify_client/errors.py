"""What can go wrong talking to Shopify, as exceptions a caller can act on.

``transient`` tells a consumer whether a later retry of the whole message may succeed
(retries inside the client are already exhausted when one of these is raised); userErrors
are permanent until someone changes the data, so they say which field and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

CHANGE_FROM_QUANTITY_STALE = "CHANGE_FROM_QUANTITY_STALE"


class ShopifyError(Exception):
    transient: ClassVar[bool] = False

    def __init__(self, message: str, *, shop: str = "", operation: str = "") -> None:
        super().__init__(message)
        self.shop = shop
        self.operation = operation


class ShopifyAuthError(ShopifyError):
    """401/403: a bad or revoked token, or a missing scope. Retrying cannot help."""

    def __init__(self, message: str, *, status: int, shop: str = "", operation: str = "") -> None:
        super().__init__(message, shop=shop, operation=operation)
        self.status = status


class ShopifyHTTPError(ShopifyError):
    """A 4xx other than 401/403/429: the request itself is wrong."""

    def __init__(self, message: str, *, status: int, shop: str = "", operation: str = "") -> None:
        super().__init__(message, shop=shop, operation=operation)
        self.status = status


class ShopifyUnavailableError(ShopifyError):
    """429, 5xx or network failures outlasted the bounded retries."""

    transient = True

    def __init__(self, message: str, *, attempts: int, shop: str = "", operation: str = "") -> None:
        super().__init__(message, shop=shop, operation=operation)
        self.attempts = attempts


class ShopifyThrottledError(ShopifyError):
    """THROTTLED kept coming back after waiting for the bucket (another app or process
    is draining the same shop's bucket)."""

    transient = True


class ShopifyGraphQLError(ShopifyError):
    """Top-level GraphQL errors: the document or its variables are wrong for this API."""

    def __init__(
        self,
        errors: Sequence[Mapping[str, Any]],
        *,
        data: Mapping[str, Any] | None = None,
        shop: str = "",
        operation: str = "",
    ) -> None:
        self.errors = [dict(e) for e in errors]
        self.data = dict(data) if data is not None else None
        messages = "; ".join(str(e.get("message", e)) for e in self.errors) or "no message"
        super().__init__(
            f"{operation or 'GraphQL'} failed: {messages}", shop=shop, operation=operation
        )

    @property
    def codes(self) -> list[str]:
        return [
            str(e["extensions"]["code"])
            for e in self.errors
            if isinstance(e.get("extensions"), Mapping) and "code" in e["extensions"]
        ]


@dataclass(frozen=True)
class UserError:
    """One entry of a mutation payload's ``userErrors``."""

    field: tuple[str, ...] | None
    message: str
    code: str | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> UserError:
        field = raw.get("field")
        code = raw.get("code")
        return cls(
            field=tuple(str(part) for part in field) if field else None,
            message=str(raw.get("message", "")),
            code=str(code) if code is not None else None,
        )

    def __str__(self) -> str:
        where = ".".join(self.field) if self.field else "(no field)"
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {self.message}{code}"


class ShopifyUserError(ShopifyError):
    """A mutation answered with ``userErrors``: permanent until the data changes."""

    def __init__(self, errors: Sequence[UserError], *, shop: str = "", operation: str = "") -> None:
        self.errors = list(errors)
        detail = "; ".join(str(e) for e in self.errors)
        super().__init__(
            f"{operation or 'mutation'} refused: {detail}", shop=shop, operation=operation
        )

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors if e.code]


class ChangeFromQuantityStale(ShopifyUserError):
    """The stored quantity no longer equals ``changeFromQuantity``: read it again, decide
    again, and write with the fresh value."""


class BulkOperationError(ShopifyError):
    """A bulk operation failed, was cancelled or expired, or did not finish in time."""

    def __init__(
        self, message: str, *, error_code: str | None = None, shop: str = "", operation: str = ""
    ) -> None:
        super().__init__(message, shop=shop, operation=operation)
        self.error_code = error_code


def user_error_for(
    errors: Sequence[UserError], *, shop: str = "", operation: str = ""
) -> ShopifyUserError:
    """The most specific exception for these userErrors."""
    if any(e.code == CHANGE_FROM_QUANTITY_STALE for e in errors):
        return ChangeFromQuantityStale(errors, shop=shop, operation=operation)
    return ShopifyUserError(errors, shop=shop, operation=operation)
