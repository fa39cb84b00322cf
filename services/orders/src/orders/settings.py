"""Settings of the orders service; variables are prefixed ORDERS_ (see plumbing.settings)."""

from __future__ import annotations

from plumbing.settings import Port, ServiceSettings
from pydantic_settings import SettingsConfigDict


class OrdersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore", frozen=True)

    http_port: Port = 8093
