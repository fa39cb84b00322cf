"""Change feeds: a cursor is the decimal position of the last item seen, and a page asks
the store for one item more than its limit to know whether more follow."""

from __future__ import annotations

from typing import TypeVar

from erp_connector.models.common import Page

from erp_sim.problems import invalid

T = TypeVar("T")


def cursor(since: str | None) -> int:
    if since is None or since == "":
        return 0
    if not since.isdigit() or len(since) > 18:
        raise invalid("since", "not a cursor this feed returned")
    return int(since)


def page(rows: list[tuple[int, T]], limit: int, start: int) -> Page[T]:
    """``rows``: up to ``limit + 1`` (position, item) pairs after ``start``."""
    items = rows[:limit]
    last = items[-1][0] if items else start
    return Page[T](
        items=[item for _, item in items], next_cursor=str(last), has_more=len(rows) > limit
    )
