"""``python -m shopify_sim``: run the Shopify Admin API emulator.

Settings come from ``SHOPIFY_SIM_*`` environment variables (``settings.SimSettings``);
a command-line option overrides its variable. With no ``--shop`` and no ``--config``
the emulator serves one demo shop and prints its domain and (published) access token.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import structlog
import uvicorn
from pydantic import ValidationError

from shopify_sim.app import build_state, create_app
from shopify_sim.settings import DEMO_SHOP, ShopConfig, SimSettings
from shopify_sim.state import PLAN_LIMITS

# CLI option -> SimSettings field, for the options that map one to one.
OPTION_FIELDS = {
    "host": "host",
    "port": "port",
    "time_factor": "time_factor",
    "webhook_timeout": "webhook_timeout_s",
    "webhook_connect_timeout": "webhook_connect_timeout_s",
    "duplicates": "duplicates",
    "shuffle_window": "shuffle_window",
    "delay": "delay_s",
    "drop_pct": "drop_pct",
    "seed": "seed",
    "demo": "demo",
    "public_url": "public_url",
    "log_level": "log_level",
}


def parse_shop(value: str) -> ShopConfig:
    """``DOMAIN:TOKEN:SECRET[:PLAN]``, e.g. ``acme.myshopify.com:shpat_x:secret:plus``."""
    parts = value.split(":")
    if len(parts) not in (3, 4) or not all(parts):
        msg = f"{value!r} is not DOMAIN:TOKEN:SECRET[:PLAN]"
        raise argparse.ArgumentTypeError(msg)
    plan = parts[3] if len(parts) == 4 else "standard"
    if plan not in PLAN_LIMITS:
        msg = f"{value!r}: unknown plan {plan!r} (one of {', '.join(PLAN_LIMITS)})"
        raise argparse.ArgumentTypeError(msg)
    try:
        return ShopConfig(domain=parts[0], access_token=parts[1], app_secret=parts[2], plan=plan)
    except ValidationError as exc:
        msg = f"{value!r}: {exc.errors()[0]['loc'][0]} {exc.errors()[0]['msg']}"
        raise argparse.ArgumentTypeError(msg) from None


class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows a default only where there is one to show."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, [], argparse.SUPPRESS):
            return action.help or ""
        return super()._get_help_string(action) or ""


def build_parser(defaults: SimSettings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shopify_sim",
        description="Shopify Admin API emulator: the Admin GraphQL endpoint at "
        "/admin/api/{YYYY-MM}/graphql.json (cost buckets, THROTTLED, bulk operations), "
        "signed webhooks with Shopify's retries and optional chaos, and /_sim/ routes "
        "for merchant actions. Every option also reads SHOPIFY_SIM_<NAME> from the "
        "environment.",
        formatter_class=_Formatter,
    )
    server = parser.add_argument_group("server")
    server.add_argument("--host", default=defaults.host, help="interface to listen on")
    server.add_argument("--port", type=int, default=defaults.port, help="port to listen on")
    server.add_argument(
        "--public-url",
        default=defaults.public_url,
        help="base URL written into bulk result links (default: the request's own URL)",
    )
    server.add_argument(
        "--log-level",
        default=defaults.log_level,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log level",
    )
    shops = parser.add_argument_group("shops")
    shops.add_argument(
        "--shop",
        action="append",
        type=parse_shop,
        default=[],
        metavar="DOMAIN:TOKEN:SECRET[:PLAN]",
        help="a shop to serve (repeatable); PLAN is standard, advanced, plus or enterprise "
        f"(default standard). With no --shop and no --config: {DEMO_SHOP.domain}",
    )
    shops.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="JSON list of shops: [{domain, access_token, app_secret, plan, currency}]",
    )
    shops.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        default=defaults.demo,
        help="seed every shop with demo products, stock, a customer and an order "
        "(default: only the built-in demo shop, so shops given with --shop start empty)",
    )
    timing = parser.add_argument_group("time")
    timing.add_argument(
        "--time-factor",
        type=float,
        default=defaults.time_factor,
        help="compress time: the cost bucket restores this many times faster (and reports "
        "that restoreRate) and the webhook retry schedule (8 retries over 4 h) runs this "
        "many times faster (3600 makes it 4 s)",
    )
    hooks = parser.add_argument_group("webhooks")
    hooks.add_argument(
        "--webhook-timeout",
        type=float,
        default=defaults.webhook_timeout_s,
        metavar="SECONDS",
        help="a delivery that takes longer fails (Shopify: 5 s)",
    )
    hooks.add_argument(
        "--webhook-connect-timeout",
        type=float,
        default=defaults.webhook_connect_timeout_s,
        metavar="SECONDS",
        help="a delivery that cannot connect in this time fails (Shopify: 1 s)",
    )
    chaos = parser.add_argument_group(
        "chaos (every shop's starting values; PUT /_sim/shops/{domain}/chaos changes one)"
    )
    chaos.add_argument(
        "--duplicates",
        type=int,
        default=defaults.duplicates,
        metavar="N",
        help="deliver every webhook N times",
    )
    chaos.add_argument(
        "--shuffle-window",
        type=int,
        default=defaults.shuffle_window,
        metavar="N",
        help="hold deliveries and release them shuffled in groups of N (0: in order)",
    )
    chaos.add_argument(
        "--delay",
        type=float,
        default=defaults.delay_s,
        metavar="SECONDS",
        help="wait this long (wall clock) before each delivery",
    )
    chaos.add_argument(
        "--drop-pct",
        type=float,
        default=defaults.drop_pct,
        metavar="P",
        help="never deliver P percent of webhooks (0-100)",
    )
    chaos.add_argument(
        "--seed",
        type=int,
        default=defaults.seed,
        metavar="N",
        help="seed for the chaos choices, for a reproducible run (default: random)",
    )
    return parser


def _config_shops(parser: argparse.ArgumentParser, path: Path) -> list[ShopConfig]:
    try:
        raw: Any = json.loads(path.read_text())
        if not isinstance(raw, list):
            parser.error(f"--config {path}: expected a JSON list of shops")
        return [ShopConfig.model_validate(item) for item in raw]
    except (OSError, ValueError) as exc:
        parser.error(f"--config {path}: {exc}")


def settings_from_args(argv: list[str]) -> SimSettings:
    defaults = SimSettings()
    parser = build_parser(defaults)
    args = parser.parse_args(argv)
    shops = list(args.shop)
    if args.config is not None:
        shops += _config_shops(parser, args.config)
    values: dict[str, Any] = {
        field: getattr(args, option) for option, field in OPTION_FIELDS.items()
    }
    values["shops"] = shops or defaults.shops
    try:
        return SimSettings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        parser.error(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}")


def main(argv: list[str] | None = None) -> None:
    settings = settings_from_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=settings.log_level, format="%(message)s")
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(settings.log_level)
        )
    )
    state = build_state(settings)
    for shop in state.shops.values():
        # Only the published demo token is shown: configured tokens are secrets.
        token = shop.access_token if shop.domain == DEMO_SHOP.domain else "(configured)"
        print(
            f"shop {shop.domain} plan={shop.plan} token={token} "
            f"endpoint=http://{settings.host}:{settings.port}/admin/api/2026-10/graphql.json",
            flush=True,
        )
    app = create_app(state, settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())


if __name__ == "__main__":
    main()
