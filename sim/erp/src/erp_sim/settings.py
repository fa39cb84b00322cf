"""The reference ERP's settings: environment (``ERP_SIM_*``) first, the CLI on top.

``database_url`` is required: the sim keeps its state in its own Postgres database, like
a real back office, so a restart loses nothing and the outbox survives a crash.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEMO_COMPANY = "demo"
DEMO_API_KEY = "erp_demo_api_key"  # a published demo credential, never a real one
DEMO_EVENT_SECRET = "demo_erp_event_secret"  # noqa: S105 - published demo credential


class Faults(BaseSettings):
    """Trouble the sim causes on ``/v1`` calls, so clients prove their retries."""

    model_config = SettingsConfigDict(env_prefix="ERP_SIM_", extra="ignore")

    latency_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0, le=1)  # share answered 503 + Retry-After
    timeout_rate: float = Field(default=0.0, ge=0, le=1)  # share that sleeps past a client
    timeout_s: float = Field(default=30.0, gt=0, le=600)  # how long such a call sleeps
    seed: int | None = None


class SimSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ERP_SIM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8082, ge=1, le=65535)
    database_url: str
    # Seed the demo company; None (default): only when the database has no company yet.
    demo: bool | None = None
    event_url: str | None = None  # where the demo company's change events go
    event_secret: str = DEMO_EVENT_SECRET
    deliver: bool = True  # run the outbox dispatcher in this process
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
