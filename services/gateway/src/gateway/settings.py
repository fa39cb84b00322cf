"""Settings of the gateway; variables are prefixed GATEWAY_ (see plumbing.settings).

Tenants live in the TOML file named by ``GATEWAY_TENANTS_FILE``; their secrets come only
from the environment (``GATEWAY_TENANT_<SLUG>_SHOPIFY_SECRETS``, ``..._ERP_SECRETS``), see
``gateway.tenants``.
"""

from __future__ import annotations

from pathlib import Path

from plumbing.settings import Port, ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict

MIB = 1024 * 1024


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    http_port: Port = 8080
    tenants_file: Path | None = None
    # Shopify gives a webhook 5 s in all; the broker must acknowledge well within that.
    publish_timeout_s: float = Field(default=2.5, gt=0, le=4.5)
    # Shopify's largest bodies (orders with hundreds of lines) stay far below 1 MiB; an
    # ERP batch holds at most 500 events. 5 MiB leaves room and bounds memory per request.
    max_body_bytes: int = Field(default=5 * MIB, ge=1024, le=100 * MIB)
    # What a 503 tells the sender in Retry-After (seconds).
    retry_after_s: int = Field(default=2, ge=1, le=3600)
    # ERP signatures: timestamp tolerance and the per-process replay memory.
    erp_tolerance_s: int = Field(default=300, ge=1, le=3600)
    replay_cache_size: int = Field(default=100_000, ge=1)
