"""Settings base: every service reads its configuration from the environment, once.

Infrastructure addresses are unprefixed (``KAFKA_BOOTSTRAP_SERVERS``, ``DATABASE_URL``)
so one set of variables serves tests, scripts and services alike; a service's own knobs
carry its prefix (``ORDERS_HTTP_PORT``) so one environment file can hold them all.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from plumbing.retry import RetryPolicy

Port = Annotated[int, Field(ge=1, le=65535)]


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS"),
        min_length=1,
    )
    database_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL"))
    log_json: bool = Field(default=True, validation_alias=AliasChoices("LOG_JSON"))

    http_host: str = "127.0.0.1"
    http_port: Port = 8080

    retry_max_attempts: int = Field(default=6, ge=1, le=50)
    retry_base_delay_s: float = Field(default=0.2, gt=0)
    retry_max_delay_s: float = Field(default=10.0, gt=0)
    lag_interval_s: float = Field(default=5.0, gt=0)
    # The Kafka consumer group; None is the service's name. Two deployments that share a
    # cluster (a test stack beside `make up`) need their own groups, or they split the
    # partitions between them.
    consumer_group: str | None = Field(default=None, min_length=1, max_length=200)
    db_pool_max_size: int = Field(default=10, ge=1)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            msg = f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {value!r}"
            raise ValueError(msg)
        return level

    def require_database_url(self) -> str:
        """The database URL, or an error that says which variable to set."""
        if self.database_url is None:
            msg = "DATABASE_URL is not set; it names this service's own Postgres database"
            raise ValueError(msg)
        return self.database_url.get_secret_value()

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.retry_max_attempts,
            base_delay_s=self.retry_base_delay_s,
            max_delay_s=self.retry_max_delay_s,
        )
