"""The orders service's view of the tenants file: each tenant's ERP, shop and policy.

The file is the gateway's (``[tenants.<slug>]``, TOML); the orders service reads
``shop_domain``, ``erp_base_url``, ``shopify_api_url`` and the ``[tenants.<slug>.orders]``
table, which is an ``OrdersPolicy``. A tenant without that table has no orders sync: its
order events go to the DLQ saying so, and are replayed once it has one.

Secrets come only from the environment: ``ORDERS_TENANT_<SLUG>_ERP_API_KEY`` and
``ORDERS_TENANT_<SLUG>_SHOPIFY_TOKEN`` (``<SLUG>`` upper-cased, ``-`` as ``_``).

The file is re-read when it changes, so fixing a mapping (a tax rate, a currency) takes
effect without a restart; a file that no longer validates is logged and the last good
configuration stays in force, since stopping every tenant's sync for one typo is worse.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts import InvalidKey, validate_tenant
from plumbing.config_files import ConfigFileError, read_toml
from plumbing.logging import get_logger
from pydantic import ValidationError

from orders.policy import OrdersPolicy

log = get_logger("orders.tenants")

RELOAD_CHECK_S = 1.0


class TenantConfigError(ValueError):
    """The tenants file is unusable; the message names every problem."""


@dataclass(frozen=True)
class OrdersTenant:
    slug: str
    shop_domain: str
    erp_base_url: str
    policy: OrdersPolicy
    erp_api_key: str = field(repr=False)
    shopify_token: str = field(repr=False)
    shopify_api_url: str | None = None


def secret_variable(slug: str, kind: str) -> str:
    """``ORDERS_TENANT_<SLUG>_<KIND>`` for a tenant slug."""
    return f"ORDERS_TENANT_{slug.upper().replace('-', '_')}_{kind}"


def _problems_of(error: ValidationError) -> list[str]:
    return [
        f"orders.{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in error.errors()
    ]


def _tenant(
    slug: str, table: Mapping[str, Any], environ: Mapping[str, str], problems: list[str]
) -> OrdersTenant | None:
    def fail(text: str) -> None:
        problems.append(f"tenant {slug!r}: {text}")

    raw_policy = table.get("orders")
    if raw_policy is None:
        return None
    try:
        policy = OrdersPolicy.model_validate(raw_policy)
    except ValidationError as exc:
        for text in _problems_of(exc):
            fail(text)
        return None
    shop, erp_url = table.get("shop_domain"), table.get("erp_base_url")
    if not isinstance(shop, str) or not shop:
        fail("shop_domain is required")
    if not isinstance(erp_url, str) or not erp_url:
        fail("erp_base_url is required for orders sync")
    secrets = {}
    for kind in ("ERP_API_KEY", "SHOPIFY_TOKEN"):
        value = environ.get(secret_variable(slug, kind), "").strip()
        if not value:
            fail(f"{secret_variable(slug, kind)} is not set")
        secrets[kind] = value
    api_url = table.get("shopify_api_url")
    if api_url is not None and not isinstance(api_url, str):
        fail("shopify_api_url must be a string")
    if not isinstance(shop, str) or not isinstance(erp_url, str) or not all(secrets.values()):
        return None
    return OrdersTenant(
        slug=slug,
        shop_domain=shop.strip().lower(),
        erp_base_url=erp_url,
        policy=policy,
        erp_api_key=secrets["ERP_API_KEY"],
        shopify_token=secrets["SHOPIFY_TOKEN"],
        shopify_api_url=api_url if isinstance(api_url, str) else None,
    )


def parse_tenants(
    document: Mapping[str, Any], environ: Mapping[str, str]
) -> dict[str, OrdersTenant]:
    """Tenants with an orders policy, by slug; TenantConfigError lists every problem."""
    tables = document.get("tenants", {})
    if not isinstance(tables, dict):
        msg = "'tenants' must be a table of [tenants.<slug>] tables"
        raise TenantConfigError(msg)
    problems: list[str] = []
    tenants: dict[str, OrdersTenant] = {}
    for slug, table in tables.items():
        try:
            validate_tenant(slug)
        except InvalidKey as exc:
            problems.append(f"tenant {slug!r}: slug: {exc}")
            continue
        if not isinstance(table, dict):
            problems.append(f"tenant {slug!r}: must be a table")
            continue
        tenant = _tenant(slug, table, environ, problems)
        if tenant is not None:
            tenants[slug] = tenant
    if problems:
        raise TenantConfigError("\n".join(problems))
    return tenants


def load_tenants(path: Path, environ: Mapping[str, str]) -> dict[str, OrdersTenant]:
    try:
        document = read_toml(path, "tenants file")
    except ConfigFileError as exc:
        raise TenantConfigError(str(exc)) from exc
    try:
        return parse_tenants(document, environ)
    except TenantConfigError as exc:
        msg = f"tenants file {path}:\n{exc}"
        raise TenantConfigError(msg) from exc


class TenantDirectory:
    """The current tenants, re-read from ``path`` when its modification time changes."""

    def __init__(self, path: Path | None, environ: Mapping[str, str]) -> None:
        self._path = path
        self._environ = environ
        self._mtime: float | None = None
        self._checked = 0.0
        self._tenants: dict[str, OrdersTenant] = {}
        if path is not None:
            self._mtime = path.stat().st_mtime if path.exists() else None
            self._tenants = load_tenants(path, environ)  # a bad file at start is fatal

    def get(self, slug: str) -> OrdersTenant | None:
        self._maybe_reload()
        return self._tenants.get(slug)

    def slugs(self) -> list[str]:
        self._maybe_reload()
        return sorted(self._tenants)

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if self._path is None or now - self._checked < RELOAD_CHECK_S:
            return
        self._checked = now
        try:
            mtime = self._path.stat().st_mtime
        except OSError:
            return
        if mtime == self._mtime:
            return
        self._mtime = mtime
        try:
            self._tenants = load_tenants(self._path, self._environ)
        except TenantConfigError as exc:
            log.error("tenants.reload_failed", error=str(exc)[:1000])
            return
        log.info("tenants.reloaded", tenants=sorted(self._tenants))
