from __future__ import annotations

import pydantic
import pytest
from orders.settings import OrdersSettings


def test_infrastructure_is_unprefixed_and_service_knobs_are_prefixed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@db/orders")
    monkeypatch.setenv("ORDERS_HTTP_PORT", "9999")
    monkeypatch.setenv("ORDERS_RETRY_MAX_ATTEMPTS", "3")

    settings = OrdersSettings()

    assert settings.kafka_bootstrap_servers == "k1:9092,k2:9092"
    assert settings.http_port == 9999
    assert settings.retry_policy().max_attempts == 3
    assert settings.require_database_url() == "postgresql://u:hunter2@db/orders"
    assert "hunter2" not in repr(settings)


def test_defaults_give_each_service_its_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORDERS_HTTP_PORT", raising=False)
    assert OrdersSettings().http_port == 8093


def test_missing_database_url_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ValueError, match="DATABASE_URL is not set"):
        OrdersSettings().require_database_url()


def test_bad_values_say_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    with pytest.raises(pydantic.ValidationError, match="LOG_LEVEL must be"):
        OrdersSettings()
    monkeypatch.setenv("LOG_LEVEL", "info")
    monkeypatch.setenv("ORDERS_HTTP_PORT", "70000")
    with pytest.raises(pydantic.ValidationError, match="http_port"):
        OrdersSettings()
