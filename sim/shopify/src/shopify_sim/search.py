"""Shopify's search syntax for the ``query:`` argument, the part a sync engine uses.

Supported: ``field:value`` terms joined by spaces or ``AND``, alternatives with ``OR``,
``-field:value`` to negate, comparisons ``field:>value`` (``>=``, ``<``, ``<=``), quoted
values (``updated_at:>'2026-11-01T00:00:00Z'``), a trailing ``*`` for a prefix match, and
bare words (matched against the resource's default text fields). Dates compare as
instants (a bare date is midnight UTC). An unknown field is ignored, as Shopify ignores
filters it does not know (it only warns), so a typo widens a search rather than failing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Op = Literal[":", ">", ">=", "<", "<="]
# A field's values for one object: one value or several (tags, the SKUs of a product).
Getter = Callable[[Any], object]

_TOKEN = re.compile(
    r"""(?P<neg>-)?(?:(?P<field>[A-Za-z_.]+):(?P<op>>=|<=|>|<)?)?"""
    r"""(?P<value>'[^']*'|"[^"]*"|[^\s()]+)"""
)


@dataclass(frozen=True)
class Term:
    field: str | None  # None: free text
    op: Op
    value: str
    negate: bool = False


Query = list[list[Term]]  # OR of ANDs


def parse_query(text: str | None) -> Query:
    groups: Query = [[]]
    for match in _TOKEN.finditer(text or ""):
        raw = match.group("value")
        if match.group("field") is None and raw in ("AND", "OR"):
            if raw == "OR":
                groups.append([])
            continue
        value = raw[1:-1] if raw[:1] in "'\"" and raw[-1:] == raw[:1] and len(raw) > 1 else raw
        op: Op = match.group("op") or ":"  # type: ignore[assignment]
        groups[-1].append(Term(match.group("field"), op, value, bool(match.group("neg"))))
    return [group for group in groups if group] or [[]]


def parse_instant(value: str) -> datetime | None:
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _compare(have: object, op: Op, want: str) -> bool:
    if isinstance(have, datetime):
        instant = parse_instant(want)
        if instant is None:
            return False
        left, right = have, instant
    elif isinstance(have, bool) or not isinstance(have, int):
        text = str(have).lower()
        wanted = want.lower()
        if op == ":":
            return text.startswith(wanted[:-1]) if wanted.endswith("*") else text == wanted
        left_s, right_s = text, wanted
        return {">": left_s > right_s, ">=": left_s >= right_s, "<": left_s < right_s}.get(
            op, left_s <= right_s
        )
    else:
        number = want.rsplit("/", 1)[-1]  # a gid works as well as a number
        if not number.lstrip("-").isdigit():
            return False
        left_i, right_i = have, int(number)
        return {
            ":": left_i == right_i,
            ">": left_i > right_i,
            ">=": left_i >= right_i,
            "<": left_i < right_i,
            "<=": left_i <= right_i,
        }[op]
    return {
        ":": left == right,
        ">": left > right,
        ">=": left >= right,
        "<": left < right,
        "<=": left <= right,
    }[op]


def _values(got: object) -> Iterable[object]:
    if isinstance(got, list | tuple | set):
        return [v for v in got if v is not None]
    return [] if got is None else [got]


def _term_matches(obj: Any, term: Term, fields: Mapping[str, Getter], text: Getter) -> bool:
    if term.field is None:
        haystack = " ".join(str(v) for v in _values(text(obj))).lower()
        found = term.value.lower().rstrip("*") in haystack
    elif term.field not in fields:
        return True
    else:
        found = any(_compare(v, term.op, term.value) for v in _values(fields[term.field](obj)))
    return found != term.negate


def matches(obj: Any, query: Query, fields: Mapping[str, Getter], text: Getter) -> bool:
    return any(all(_term_matches(obj, t, fields, text) for t in group) for group in query)


def search(
    items: Iterable[Any], text_query: str | None, fields: Mapping[str, Getter], text: Getter
) -> list[Any]:
    query = parse_query(text_query)
    return [item for item in items if matches(item, query, fields, text)]
