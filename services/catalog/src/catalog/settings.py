"""Settings of the catalog service; variables are prefixed CATALOG_ (see plumbing.settings)."""

from __future__ import annotations

from plumbing.settings import Port, ServiceSettings
from pydantic_settings import SettingsConfigDict


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", frozen=True)

    http_port: Port = 8091
