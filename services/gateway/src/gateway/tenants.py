"""Tenants: who may send us webhooks and events, read and validated once at start.

The file (``GATEWAY_TENANTS_FILE``, TOML) names each tenant and its non-secret settings::

    [tenants.acme]
    shop_domain = "acme.myshopify.com"
    erp_base_url = "https://erp.acme.example"   # optional
    [tenants.acme.settings]                      # optional, free-form
    order_trigger = "paid"

Secrets come only from the environment, comma-separated, newest first (two while a
secret is rotated): ``GATEWAY_TENANT_<SLUG>_SHOPIFY_SECRETS`` (required) and
``GATEWAY_TENANT_<SLUG>_ERP_SECRETS`` (required when ``erp_base_url`` is set; without
it the tenant's ERP events are refused), ``<SLUG>`` being the slug upper-cased with
``-`` turned into ``_``. Every problem is reported at once, each naming the tenant and
the field, and no two tenants may share a shop domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts import InvalidKey, validate_tenant
from plumbing.config_files import ConfigFileError, read_toml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

MAX_SECRETS = 2  # the current one and, during a rotation, the previous one
SHOP_DOMAIN_PATTERN = r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$"


class TenantConfigError(ValueError):
    """The tenants' configuration is unusable; the message lists every problem."""


@dataclass(frozen=True)
class Tenant:
    slug: str
    shop_domain: str
    shopify_secrets: tuple[str, ...] = field(repr=False)
    erp_secrets: tuple[str, ...] = field(default=(), repr=False)
    erp_base_url: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


class Tenants:
    """Tenants by slug and by shop domain (case-insensitive)."""

    def __init__(self, tenants: Iterable[Tenant] = ()) -> None:
        self._by_slug: dict[str, Tenant] = {}
        self._by_shop: dict[str, Tenant] = {}
        problems: list[str] = []
        for tenant in tenants:
            shop = tenant.shop_domain.lower()
            if tenant.slug in self._by_slug:
                problems.append(f"tenant {tenant.slug!r}: defined twice")
            elif shop in self._by_shop:
                other = self._by_shop[shop].slug
                problems.append(
                    f"tenant {tenant.slug!r}: shop_domain: {shop} is already tenant {other!r}'s"
                )
            else:
                self._by_slug[tenant.slug] = tenant
                self._by_shop[shop] = tenant
        if problems:
            raise TenantConfigError("\n".join(problems))

    def get(self, slug: str) -> Tenant | None:
        return self._by_slug.get(slug)

    def by_shop(self, shop_domain: str) -> Tenant | None:
        return self._by_shop.get(shop_domain.strip().lower())

    def __len__(self) -> int:
        return len(self._by_slug)

    def slugs(self) -> list[str]:
        return sorted(self._by_slug)


class TenantFileEntry(BaseModel):
    """One ``[tenants.<slug>]`` table of the file (no secrets here)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shop_domain: str = Field(pattern=SHOP_DOMAIN_PATTERN)
    erp_base_url: HttpUrl | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    # Read by the orders service (orders.tenants), not here: where the shop's Admin API
    # answers when it is not https://<shop_domain> (the emulator), and the orders policy.
    shopify_api_url: HttpUrl | None = None
    orders: dict[str, Any] = Field(default_factory=dict)

    @field_validator("shop_domain", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


def secrets_variable(slug: str, kind: str) -> str:
    """``GATEWAY_TENANT_<SLUG>_<KIND>_SECRETS`` for a tenant slug."""
    return f"GATEWAY_TENANT_{slug.upper().replace('-', '_')}_{kind}_SECRETS"


def _secrets(
    slug: str, kind: str, environ: Mapping[str, str], *, required: bool, problems: list[str]
) -> tuple[str, ...]:
    name = secrets_variable(slug, kind)
    raw = environ.get(name)
    if raw is None or not raw.strip():
        if required:
            problems.append(f"tenant {slug!r}: {name} is not set")
        return ()
    parts = [part.strip() for part in raw.split(",")]
    if any(not part for part in parts):
        problems.append(f"tenant {slug!r}: {name} holds an empty secret")
        return ()
    if len(parts) > MAX_SECRETS:
        problems.append(
            f"tenant {slug!r}: {name} holds {len(parts)} secrets; at most {MAX_SECRETS} "
            "(the new and the old one during a rotation)"
        )
        return ()
    return tuple(parts)


def _describe(error: ValidationError) -> list[str]:
    described = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(table)"
        described.append(f"{where}: {item['msg']}")
    return described


def parse_tenants(document: Mapping[str, Any], environ: Mapping[str, str]) -> Tenants:
    """Tenants from the parsed TOML document and the environment's secrets."""
    unknown = set(document) - {"tenants"}
    if unknown:
        msg = f"unknown top-level key(s) {sorted(unknown)}; only [tenants.<slug>] tables"
        raise TenantConfigError(msg)
    tables = document.get("tenants", {})
    if not isinstance(tables, dict):
        msg = "'tenants' must be a table of [tenants.<slug>] tables"
        raise TenantConfigError(msg)
    problems: list[str] = []
    tenants: list[Tenant] = []
    for slug, table in tables.items():
        try:
            validate_tenant(slug)
        except InvalidKey as exc:
            problems.append(f"tenant {slug!r}: slug: {exc}")
            continue
        if not isinstance(table, dict):
            problems.append(f"tenant {slug!r}: must be a table")
            continue
        try:
            entry = TenantFileEntry.model_validate(table)
        except ValidationError as exc:
            problems.extend(f"tenant {slug!r}: {text}" for text in _describe(exc))
            continue
        shopify = _secrets(slug, "SHOPIFY", environ, required=True, problems=problems)
        erp = _secrets(
            slug, "ERP", environ, required=entry.erp_base_url is not None, problems=problems
        )
        if shopify:
            tenants.append(
                Tenant(
                    slug=slug,
                    shop_domain=entry.shop_domain,
                    shopify_secrets=shopify,
                    erp_secrets=erp,
                    erp_base_url=str(entry.erp_base_url) if entry.erp_base_url else None,
                    settings=entry.settings,
                )
            )
    if problems:
        raise TenantConfigError("\n".join(problems))
    return Tenants(tenants)


def load_tenants(path: Path, environ: Mapping[str, str]) -> Tenants:
    """Read and validate the tenants file; TenantConfigError names every problem."""
    try:
        document = read_toml(path, "tenants file")
    except ConfigFileError as exc:
        raise TenantConfigError(str(exc)) from exc
    try:
        return parse_tenants(document, environ)
    except TenantConfigError as exc:
        msg = f"tenants file {path}:\n{exc}"
        raise TenantConfigError(msg) from exc
