"""What every resolver module shares: the request context, the resolver registry,
cursor pagination, ids, money and userErrors.

Resolvers receive the state's own dataclasses. A field without a registered resolver
reads the snake_case attribute of that name (``productType`` -> ``product_type``) or the
key of a dict, so only fields whose shape differs from the model need code; ``id`` is
the object's gid and ``legacyResourceId`` its number. Objects that need their order to
answer (line items, transactions, money in the order's currency) travel as `OrderPart`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo

from shopify_sim.errors import UserErrors
from shopify_sim.state import Order, Shop, SimState, gid, parse_gid

MAX_PAGE = 250
T = TypeVar("T")
Resolver = Callable[..., Any]
RESOLVERS: dict[str, dict[str, Resolver]] = {}


@dataclass
class Context:
    """One request: the shop it is for, and how connections page."""

    state: SimState
    shop: Shop
    api_version: str
    base_url: str = ""
    bulk: bool = False  # a bulk operation: connections return every node
    # Starts a bulk operation; set by the app (bulk.BulkRunner.start).
    start_bulk: Callable[[Context, str], Any] | None = None
    # Per-request notes, e.g. the idempotency key of the mutation being resolved.
    notes: dict[str, Any] = field(default_factory=dict)


Info = GraphQLResolveInfo[Context]


@dataclass(frozen=True)
class OrderPart:
    """A part of an order that needs the order to answer (currency, refunds...)."""

    order: Order
    part: Any


def ctx(info: Info) -> Context:
    return info.context


def resolver(type_name: str, field_name: str) -> Callable[[Resolver], Resolver]:
    """Register `fn(obj, info, **args)` for one field of one GraphQL type."""

    def register(fn: Resolver) -> Resolver:
        RESOLVERS.setdefault(type_name, {})[field_name] = fn
        return fn

    return register


@cache
def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def default_resolver(root: Any, info: Info, **args: Any) -> Any:
    custom = RESOLVERS.get(info.parent_type.name, {}).get(info.field_name)
    if custom is not None:
        return custom(root, info, **args)
    target = root.part if isinstance(root, OrderPart) else root
    if isinstance(target, Mapping):
        return target.get(info.field_name)
    if info.field_name == "id" and isinstance(getattr(target, "id", None), int):
        return gid(info.parent_type.name, target.id)
    if info.field_name == "legacyResourceId":
        return target.id
    return getattr(target, snake(info.field_name), None)


# -- ids ----------------------------------------------------------------------------


def id_of(value: str, kind: str) -> int | None:
    """The number in a gid of `kind`; None for another kind; an error for a non-gid."""
    try:
        found_kind, number = parse_gid(value.split("?", 1)[0])
    except ValueError:
        raise GraphQLError(f"Invalid global id '{value}'") from None
    return number if found_kind == kind else None


def required_id(value: str, kind: str, path: list[str], code: str | None = None) -> int:
    """A gid the mutation needs: a wrong kind or format is a userError on `path`."""
    try:
        return parse_gid(value.split("?", 1)[0], kind)[1]
    except ValueError:
        raise UserErrors.one(f"Invalid id: {value}", path, code) from None


# -- money --------------------------------------------------------------------------


def money_v2(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currencyCode": currency, "__typename": "MoneyV2"}


def money_bag(amount: Decimal, currency: str) -> dict[str, Any]:
    one = money_v2(amount, currency)
    return {"shopMoney": one, "presentmentMoney": one}


# -- userErrors ---------------------------------------------------------------------


def user_errors(refused: UserErrors) -> list[dict[str, Any]]:
    return [{"field": e.field, "message": e.message, "code": e.code} for e in refused.errors]


def payload(refused: UserErrors, **nulls: Any) -> dict[str, Any]:
    """A mutation payload that refused: its objects null, its userErrors filled."""
    return {**nulls, "userErrors": user_errors(refused)}


# -- pagination ---------------------------------------------------------------------

SortValue = int | float | str


def sort_value(value: object) -> SortValue:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float | str):
        return value
    return "" if value is None else str(value)


def _cursor(key: SortValue, id_: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([key, id_]).encode()).decode()


def _decode(cursor: str) -> tuple[SortValue, int]:
    try:
        key, id_ = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise GraphQLError(f"Invalid cursor '{cursor}'") from None
    return key, int(id_)


def connection(
    info: Info,
    items: Sequence[T],
    args: Mapping[str, Any],
    key: Callable[[T], object] | None = None,
    ident: Callable[[T], int] | None = None,
) -> dict[str, Any]:
    """A page of `items` (already filtered) sorted by `key`, then id; cursors carry both,
    so a page boundary survives inserts and deletes between calls."""
    get_id: Callable[[T], int] = ident or (lambda item: int(getattr(item, "id", 0)))
    get_key: Callable[[T], object] = key or get_id
    reverse = bool(args.get("reverse"))
    rows = sorted(
        ((sort_value(get_key(item)), get_id(item), item) for item in items),
        key=lambda row: (row[0], row[1]),
        reverse=reverse,
    )
    first, last = args.get("first"), args.get("last")
    if not ctx(info).bulk:
        if first is None and last is None:
            raise GraphQLError("you must provide one of first or last")
        for name, value in (("first", first), ("last", last)):
            if value is not None and not 0 <= value <= MAX_PAGE:
                raise GraphQLError(f"The '{name}' argument must be between 0 and {MAX_PAGE}.")

    def after(row: tuple[SortValue, int, T], mark: tuple[SortValue, int]) -> bool:
        here = (row[0], row[1])
        return here < mark if reverse else here > mark

    if args.get("after"):
        mark = _decode(args["after"])
        rows = [row for row in rows if after(row, mark)]
    if args.get("before"):
        mark = _decode(args["before"])
        rows = [row for row in rows if not after(row, mark) and (row[0], row[1]) != mark]
    has_next = has_previous = False
    if first is not None and not ctx(info).bulk:
        has_next = len(rows) > first
        rows = rows[:first]
    if last is not None and not ctx(info).bulk:
        has_previous = len(rows) > last
        rows = rows[len(rows) - last :] if last else []
    edges = [{"cursor": _cursor(k, i), "node": item} for k, i, item in rows]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous or bool(args.get("after")),
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def page_of_parts(
    info: Info, order: Order, parts: Sequence[Any], args: Mapping[str, Any]
) -> dict[str, Any]:
    """A connection over parts of an order (line items, shipping lines...), in order."""
    wrapped = [OrderPart(order, part) for part in parts]
    positions = {id(p.part): index for index, p in enumerate(wrapped)}
    return connection(
        info,
        wrapped,
        args,
        key=lambda p: positions[id(p.part)],
        ident=lambda p: positions[id(p.part)],
    )


def first_n(items: Sequence[T], first: int | None) -> list[T]:
    """A plain list field with ``first:`` (Order.transactions, refunds...)."""
    return list(items if first is None else items[: max(0, first)])


# -- parts of an order ----------------------------------------------------------------


def order_money(p: OrderPart, amount: Decimal) -> dict[str, Any]:
    """Money in the order's currency."""
    return money_bag(amount, p.order.currency)


def order_line(p: OrderPart, line_id: int) -> OrderPart | None:
    found = next((li for li in p.order.line_items if li.id == line_id), None)
    return OrderPart(p.order, found) if found is not None else None


def order_parts(p: OrderPart, items: list[Any]) -> list[OrderPart]:
    return [OrderPart(p.order, item) for item in items]


def parts_page(info: Info, p: OrderPart, items: list[Any], args: dict[str, Any]) -> Any:
    """A connection over a part's own parts (refund lines...), in their order."""
    wrapped = order_parts(p, items)
    return connection(info, wrapped, args, key=wrapped.index, ident=wrapped.index)
