"""Settings of the orders service; variables are prefixed ORDERS_ (see plumbing.settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from plumbing.settings import Port, ServiceSettings
from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict


class OrdersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore", frozen=True)

    http_port: Port = 8093
    # The tenants file (TOML) shared with the gateway; see orders.tenants. Unset: no
    # tenant has orders sync, and every order event goes to the DLQ saying so.
    tenants_file: Path | None = Field(
        default=None, validation_alias=AliasChoices("ORDERS_TENANTS_FILE", "TENANTS_FILE")
    )
    # Consumers of shopify.orders.v1 in this process (at most its partition count helps).
    consumers: int = Field(default=3, ge=1, le=64)
    # Reconciliation: every interval (0 turns the schedule off; syncctl still works),
    # asking Shopify for orders updated since the last run minus the overlap.
    reconcile_interval_s: float = Field(default=300.0, ge=0)
    reconcile_overlap_s: float = Field(default=600.0, ge=0)
    reconcile_first_window_s: float = Field(default=7200.0, gt=0)
    erp_timeout_s: float = Field(default=10.0, gt=0)
    # Events of a tenant missing from the tenants file: dead-lettered (a configuration
    # gap support must see), or ignored by a deployment that serves only some tenants of
    # a shared cluster (a test stack beside `make up`).
    unknown_tenants: Literal["dead_letter", "ignore"] = "dead_letter"
