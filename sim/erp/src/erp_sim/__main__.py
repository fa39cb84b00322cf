"""``python -m erp_sim``: the reference back office on its own Postgres database.

Settings come from ``ERP_SIM_*`` first, then the options below. Uvicorn stops cleanly on
SIGTERM/SIGINT: the lifespan stops the dispatcher and closes the pool.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

import structlog
import uvicorn

from erp_sim.app import create_app
from erp_sim.faults import FaultConfig, Faults
from erp_sim.settings import DEMO_API_KEY, DEMO_COMPANY, SimSettings
from erp_sim.settings import Faults as FaultSettings


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m erp_sim",
        description="Reference ERP implementing the ERP connector API v1 under /v1, with "
        "operator endpoints under /_erp/ and signed change events from an outbox. Every "
        "option can also be set as ERP_SIM_<NAME> in the environment.",
    )
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default 8082)")
    p.add_argument("--database-url", help="the sim's own Postgres database (required)")
    demo = p.add_mutually_exclusive_group()
    demo.add_argument(
        "--demo",
        action="store_true",
        default=None,
        help=f"seed company {DEMO_COMPANY!r} (default: when no company exists)",
    )
    demo.add_argument("--no-demo", dest="demo", action="store_false", help="never seed it")
    p.add_argument("--event-url", help="where the demo company's change events are posted")
    p.add_argument("--event-secret", help="the demo company's event signing secret")
    p.add_argument(
        "--no-deliver",
        dest="deliver",
        action="store_false",
        default=None,
        help="do not run the outbox dispatcher in this process",
    )
    p.add_argument("--latency-ms", type=int, help="added to every /v1 call")
    p.add_argument("--error-rate", type=float, help="share of /v1 calls answered 503 (0..1)")
    p.add_argument(
        "--timeout-rate",
        type=float,
        help="share of /v1 calls that sleep --timeout-s before answering (0..1)",
    )
    p.add_argument("--timeout-s", type=float, help="how long such a call sleeps (default 30)")
    p.add_argument("--seed", type=int, help="random seed of the faults")
    p.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n) is not None}


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    names = (
        "host",
        "port",
        "database_url",
        "demo",
        "event_url",
        "event_secret",
        "deliver",
        "log_level",
    )
    try:
        settings = SimSettings(**_given(args, names))
        fault_names = ("latency_ms", "error_rate", "timeout_rate", "timeout_s", "seed")
        env_faults = FaultSettings(**_given(args, fault_names))
    except Exception as error:
        sys.exit(f"erp_sim: {error}")
    level = getattr(logging, settings.log_level)
    logging.basicConfig(level=level, format="%(message)s")
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
    faults = Faults(FaultConfig(**env_faults.model_dump()))
    app = create_app(settings, faults)
    base = f"http://{settings.host}:{settings.port}"
    print(f"erp_sim: {base}/v1 (operator: {base}/_erp/)", flush=True)
    if settings.demo is not False:
        print(f"erp_sim: demo company {DEMO_COMPANY!r}, API key {DEMO_API_KEY}", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())


if __name__ == "__main__":
    main()
