"""The emulator's settings: environment (``SHOPIFY_SIM_*``) first, the CLI on top.

Every knob has a default that behaves like Shopify: real time (``time_factor`` 1), a 5 s
webhook timeout, no chaos. ``shops`` may come as JSON in ``SHOPIFY_SIM_SHOPS``; with none
the emulator serves one demo shop (``DEMO_SHOP``) so ``python -m shopify_sim`` just works.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shopify_sim.state import Chaos

PlanName = Literal["standard", "advanced", "plus", "enterprise"]


class ShopConfig(BaseModel):
    """One shop the emulator serves: what an installed app would know about it."""

    domain: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")  # a host name
    access_token: str = Field(min_length=1)
    app_secret: str = Field(min_length=1)
    plan: PlanName = "standard"
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


DEMO_SHOP = ShopConfig(
    domain="demo.myshopify.com",
    access_token="shpat_demo_access_token",  # noqa: S106 - a published demo credential
    app_secret="demo_app_secret",  # noqa: S106
)


class SimSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOPIFY_SIM_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=1, le=65535)
    shops: list[ShopConfig] = Field(default_factory=list)
    # Divides every wait: the bucket's restore rate is multiplied by it (and reported so)
    # and the webhook retry schedule (4 h over 8 retries) is divided by it.
    time_factor: float = Field(default=1.0, gt=0)
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    webhook_connect_timeout_s: float = Field(default=1.0, gt=0)
    # Chaos every shop starts with (each shop can be changed at /_sim/shops/{d}/chaos).
    duplicates: int = Field(default=1, ge=1, le=20)
    shuffle_window: int = Field(default=0, ge=0)
    delay_s: float = Field(default=0.0, ge=0)
    drop_pct: float = Field(default=0.0, ge=0, le=100)
    seed: int | None = None
    # Seed demo products, stock, a customer and an order into every shop; None (the
    # default): only into the built-in demo shop, so configured shops start empty.
    demo: bool | None = None
    public_url: str | None = None  # base of bulk result URLs; default: the request's
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    def chaos(self) -> Chaos:
        return Chaos(
            duplicates=self.duplicates,
            shuffle_window=self.shuffle_window,
            delay_s=self.delay_s,
            drop_pct=self.drop_pct,
            seed=self.seed,
        )

    def served_shops(self) -> list[ShopConfig]:
        return self.shops or [DEMO_SHOP]

    def seeds_demo_data(self) -> bool:
        return self.demo if self.demo is not None else not self.shops
