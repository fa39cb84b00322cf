"""Settings of the inventory service; variables are prefixed INVENTORY_ (see plumbing.settings)."""

from __future__ import annotations

from plumbing.settings import Port, ServiceSettings
from pydantic_settings import SettingsConfigDict


class InventorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INVENTORY_", extra="ignore", frozen=True)

    http_port: Port = 8092
