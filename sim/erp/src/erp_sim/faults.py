"""Trouble on demand for ``/v1`` calls: latency, a share of 503s with ``Retry-After``,
and a share of calls that sleep longer than a client waits. Seeded, so a test run is
repeatable; changed at run time with ``PUT /_erp/faults``."""

from __future__ import annotations

import asyncio
import random

from pydantic import BaseModel, ConfigDict, Field

from erp_sim.problems import ApiError


class FaultConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    timeout_rate: float = Field(default=0.0, ge=0, le=1)
    timeout_s: float = Field(default=30.0, gt=0, le=600)
    seed: int | None = None


class Faults:
    def __init__(self, config: FaultConfig | None = None) -> None:
        self.set(config or FaultConfig())

    def set(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)  # noqa: S311 - chaos, not a secret

    async def before_call(self) -> None:
        """Sleeps and/or raises a 503 according to the knobs."""
        c = self.config
        if c.latency_ms:
            await asyncio.sleep(c.latency_ms / 1000)
        if c.timeout_rate and self._rng.random() < c.timeout_rate:
            await asyncio.sleep(c.timeout_s)
        if c.error_rate and self._rng.random() < c.error_rate:
            raise ApiError(503, "injected fault: try again later", headers={"Retry-After": "1"})
