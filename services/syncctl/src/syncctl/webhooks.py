"""``syncctl webhooks register``: subscribe a shop to the topics the platform consumes.

The topics come from the contracts' registry, so a new event type there is subscribed
by the next run. Compliance topics (customers/redact, shop/redact...) are left out:
Shopify takes those from the app's configuration, not from webhookSubscriptionCreate.
Running it twice is harmless: "already taken" answers count as already subscribed.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from contracts import TOPICS
from contracts.topics import SHOPIFY_COMPLIANCE
from shopify_client import (
    ShopifyClient,
    ShopifyError,
    ShopifyUnavailableError,
    ShopifyUserError,
)
from shopify_client.documents import WEBHOOK_SUBSCRIPTION_CREATE

from syncctl.errors import CliError
from syncctl.options import SUB_HELP as _SUB_HELP
from syncctl.render import table

ALREADY_TAKEN = "already been taken"


def consumed_topics() -> list[str]:
    """Shopify event types we consume, REST-style ('orders/create'), registry order."""
    return [
        event_type
        for topic in TOPICS
        if topic.name.startswith("shopify.") and topic is not SHOPIFY_COMPLIANCE
        for event_type in topic.event_types
    ]


def graphql_topic(rest: str) -> str:
    """'orders/create' -> 'ORDERS_CREATE' (WebhookSubscriptionTopic)."""
    return rest.upper().replace("/", "_")


def choose_topics(wanted: Sequence[str] | None) -> list[str]:
    """The GraphQL names to subscribe; ValueError naming any topic we do not consume."""
    known = {graphql_topic(t): t for t in consumed_topics()}
    if not wanted:
        return list(known)
    chosen = [graphql_topic(t) for t in wanted]
    if unknown := [t for t, g in zip(wanted, chosen, strict=True) if g not in known]:
        msg = f"not a topic the platform consumes: {', '.join(unknown)}"
        raise ValueError(msg)
    return list(dict.fromkeys(chosen))


def check_callback(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        msg = f"invalid --callback {url!r}: expected an absolute http(s) URL"
        raise argparse.ArgumentTypeError(msg)
    return url


@dataclass(frozen=True)
class Outcome:
    topic: str
    status: str  # created | exists | failed
    detail: str = ""


async def register(client: ShopifyClient, callback: str, topics: Sequence[str]) -> list[Outcome]:
    """One webhookSubscriptionCreate per topic; 'already taken' is success."""
    outcomes: list[Outcome] = []
    for topic in topics:
        variables = {"topic": topic, "webhookSubscription": {"uri": callback, "format": "JSON"}}
        try:
            payload = await client.mutate(WEBHOOK_SUBSCRIPTION_CREATE, variables)
        except ShopifyUserError as exc:
            if all(ALREADY_TAKEN in e.message for e in exc.errors):
                outcomes.append(Outcome(topic, "exists"))
            else:
                outcomes.append(Outcome(topic, "failed", "; ".join(e.message for e in exc.errors)))
            continue
        sub = payload.get("webhookSubscription") or {}
        outcomes.append(Outcome(topic, "created", str(sub.get("id", ""))))
    return outcomes


async def run_register(args: argparse.Namespace) -> int:
    if not args.token:
        raise CliError("no access token: pass --token or set SHOPIFY_ACCESS_TOKEN")
    try:
        topics = choose_topics(args.topics)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    client = ShopifyClient(args.shop_domain, args.token, base_url=args.api_url)
    try:
        async with client:
            outcomes = await register(client, args.callback, topics)
    except ShopifyUnavailableError as exc:
        raise CliError(f"cannot reach Shopify at {client.endpoint}: {exc}") from None
    except ShopifyError as exc:
        raise CliError(f"Shopify refused for {args.shop_domain}: {exc}") from None
    print(table(("TOPIC", "STATUS", "DETAIL"), [(o.topic, o.status, o.detail) for o in outcomes]))
    counts = {s: sum(o.status == s for o in outcomes) for s in ("created", "exists", "failed")}
    print(
        f"\ntenant {args.tenant}, shop {args.shop_domain} -> {args.callback}: "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
    )
    return 1 if counts["failed"] else 0


def add_parser(commands: Any) -> None:
    webhooks = commands.add_parser(
        "webhooks", help="Shopify webhook subscriptions", description=__doc__
    )
    sub = webhooks.add_subparsers(
        dest="webhooks_command", required=True, metavar="COMMAND", help=_SUB_HELP
    )
    reg = sub.add_parser(
        "register",
        help="subscribe a shop to every topic the platform consumes",
        description="Create a webhook subscription per consumed Shopify topic, pointing at "
        "the gateway. Safe to repeat: existing subscriptions are reported as 'exists'. "
        "Exit 1 when any topic failed.",
    )
    reg.add_argument("--tenant", required=True, help="our tenant slug (for the report)")
    reg.add_argument("--shop-domain", required=True, help="e.g. demo.myshopify.com")
    reg.add_argument(
        "--token",
        default=os.environ.get("SHOPIFY_ACCESS_TOKEN"),
        help="Admin API access token (default: $SHOPIFY_ACCESS_TOKEN; prefer the variable, "
        "a command line is visible to other users)",
    )
    reg.add_argument(
        "--callback",
        required=True,
        type=check_callback,
        metavar="URL",
        help="where Shopify posts, the gateway's /webhooks/shopify; real Shopify wants https",
    )
    reg.add_argument(
        "--api-url",
        metavar="URL",
        help="Admin API base URL, e.g. the emulator http://127.0.0.1:8081 "
        "(default: https://<shop-domain>)",
    )
    reg.add_argument(
        "--topics",
        nargs="+",
        metavar="TOPIC",
        help="only these (orders/create or ORDERS_CREATE); default: every consumed topic",
    )
    reg.set_defaults(run=run_register)
