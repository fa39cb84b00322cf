"""``syncctl reconcile orders``: ask the orders service to catch up with Shopify.

The work (list orders updated since, link what is missing) is the service's; this is a
thin client so support need not hand-write curl with the right JSON.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime
from typing import Any

import httpx

from syncctl.errors import CliError
from syncctl.options import SUB_HELP as _SUB_HELP
from syncctl.timeparse import since_arg

DEFAULT_ORDERS_URL = "http://127.0.0.1:8093"
PATH = "/admin/reconcile/orders"


async def reconcile_orders(
    http: httpx.AsyncClient, orders_url: str, tenant: str, since: datetime | None
) -> dict[str, Any]:
    """The service's report; CliError carrying the service's own message otherwise."""
    url = orders_url.rstrip("/") + PATH
    body = {"tenant": tenant, "since": since.isoformat() if since is not None else None}
    try:
        response = await http.post(url, json=body)
    except httpx.HTTPError as exc:
        raise CliError(f"cannot reach the orders service at {orders_url}: {exc}") from None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code != 200:
        detail = answer.get("detail") if isinstance(answer, dict) else None
        message = detail or response.text.strip()[:300] or response.reason_phrase
        raise CliError(f"orders service answered {response.status_code}: {message}")
    if not isinstance(answer, dict):
        raise CliError(f"orders service answered 200 without a JSON report: {url}")
    return answer


def report_text(report: dict[str, Any]) -> str:
    """The report as 'name: value' lines; nested counts ('passed') indented below."""
    lines: list[str] = []
    for name, value in report.items():
        if isinstance(value, dict):
            lines.append(f"{name}:" if value else f"{name}: (none)")
            lines += [f"  {k}: {v}" for k, v in value.items()]
        else:
            lines.append(f"{name}: {'(since the last run)' if value is None else value}")
    return "\n".join(lines)


async def run_reconcile_orders(args: argparse.Namespace) -> int:
    async with httpx.AsyncClient(timeout=args.timeout) as http:
        report = await reconcile_orders(http, args.orders_url, args.tenant, args.since)
    print(json.dumps(report, indent=2) if args.json else report_text(report))
    return 0


def add_parser(commands: Any) -> None:
    reconcile = commands.add_parser(
        "reconcile",
        help="make a service catch up with the source of truth",
        description="Ask a service to re-read what changed and apply what it missed.",
    )
    sub = reconcile.add_subparsers(
        dest="reconcile_command", required=True, metavar="COMMAND", help=_SUB_HELP
    )
    orders = sub.add_parser(
        "orders",
        help="link Shopify orders the orders service has not turned into ERP documents",
        description=f"POST {{orders-url}}{PATH}: the orders service reads the tenant's "
        "Shopify orders updated since WHEN and applies the missing ones. Exit 1 when "
        "the service refuses, with its message.",
    )
    orders.add_argument("--tenant", required=True, help="the tenant slug (e.g. demo)")
    orders.add_argument(
        "--since",
        type=since_arg,
        metavar="WHEN",
        help="orders updated since WHEN: 90s, 30m, 2h, 1d or ISO-8601 "
        "(default: since the service's last run, with overlap)",
    )
    orders.add_argument(
        "--orders-url",
        default=os.environ.get("ORDERS_URL", DEFAULT_ORDERS_URL),
        metavar="URL",
        help="the orders service (default: $ORDERS_URL, else %(default)s)",
    )
    orders.add_argument(
        "--timeout", type=float, default=120.0, metavar="SECONDS", help="HTTP timeout"
    )
    orders.add_argument("--json", action="store_true", help="print the raw JSON report")
    orders.set_defaults(run=run_reconcile_orders)
