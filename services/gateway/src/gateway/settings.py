"""Settings of the gateway; variables are prefixed GATEWAY_ (see plumbing.settings)."""

from __future__ import annotations

from plumbing.settings import Port, ServiceSettings
from pydantic_settings import SettingsConfigDict


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    http_port: Port = 8080
