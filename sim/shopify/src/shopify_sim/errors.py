"""How the emulator's operations refuse a request, the way Shopify does.

A mutation's business refusals are `userErrors` (HTTP 200, data present); malformed
requests are top-level GraphQL `errors`. Operations raise `UserErrors`; the GraphQL layer
turns them into the mutation's `userErrors` list and the `/_sim/` routes into a 422.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserError:
    message: str
    field: list[str] | None = (
        None  # path into the mutation's input, e.g. ["input", "quantities", "0"]
    )
    code: str | None = None  # e.g. "CHANGE_FROM_QUANTITY_STALE"


class UserErrors(Exception):
    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors

    @classmethod
    def one(
        cls, message: str, field: list[str] | None = None, code: str | None = None
    ) -> UserErrors:
        return cls([UserError(message, field, code)])
