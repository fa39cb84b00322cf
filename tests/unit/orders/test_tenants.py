"""The orders service's tenants: every problem named, secrets only from the environment,
a fixed file picked up without a restart, a broken one never taking the service down."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from orders import tenants as tenants_module
from orders.tenants import TenantConfigError, TenantDirectory, load_tenants, secret_variable

GOOD = """
[tenants.acme]
shop_domain = "Acme.myshopify.com"
erp_base_url = "https://erp.acme.example"
[tenants.acme.orders]
currency = "MXN"
tax_codes = { "0.16" = "IVA16" }

[tenants.globex]  # a gateway-only tenant: no orders sync
shop_domain = "globex.myshopify.com"
"""
ENV = {
    "ORDERS_TENANT_ACME_ERP_API_KEY": "erp-key",
    "ORDERS_TENANT_ACME_SHOPIFY_TOKEN": "shpat_x",
}


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_tenant_with_an_orders_table_is_served(tmp_path: Path) -> None:
    tenants = load_tenants(write(tmp_path / "t.toml", GOOD), ENV)
    assert list(tenants) == ["acme"]
    acme = tenants["acme"]
    assert acme.shop_domain == "acme.myshopify.com"
    assert acme.policy.tax_codes == {"0.16": "IVA16"}
    assert "erp-key" not in repr(acme)
    assert "shpat_x" not in repr(acme)


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    text = GOOD.replace('currency = "MXN"', 'currency = "pesos"\nsurprise = 1')
    with pytest.raises(TenantConfigError) as caught:
        load_tenants(write(tmp_path / "t.toml", text), {})
    message = str(caught.value)
    assert "tenant 'acme': orders.currency: String should match pattern" in message
    assert "tenant 'acme': orders.surprise: Extra inputs are not permitted" in message


def test_missing_secrets_name_their_variables(tmp_path: Path) -> None:
    with pytest.raises(TenantConfigError) as caught:
        load_tenants(write(tmp_path / "t.toml", GOOD), {})
    assert "ORDERS_TENANT_ACME_ERP_API_KEY is not set" in str(caught.value)
    assert "ORDERS_TENANT_ACME_SHOPIFY_TOKEN is not set" in str(caught.value)
    assert secret_variable("big-co", "ERP_API_KEY") == "ORDERS_TENANT_BIG_CO_ERP_API_KEY"


def test_not_toml_says_so(tmp_path: Path) -> None:
    with pytest.raises(TenantConfigError, match="not valid TOML"):
        load_tenants(write(tmp_path / "t.toml", "[tenants.acme"), ENV)


def test_a_fixed_file_is_picked_up_and_a_broken_one_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tenants_module, "RELOAD_CHECK_S", 0.0)
    path = write(tmp_path / "t.toml", GOOD)
    directory = TenantDirectory(path, ENV)
    acme = directory.get("acme")
    assert acme is not None
    assert acme.policy.other_currencies == frozenset()

    write(path, GOOD.replace('currency = "MXN"', 'currency = "MXN"\nother_currencies = ["USD"]'))
    later = time.time() + 5
    os.utime(path, (later, later))
    acme = directory.get("acme")
    assert acme is not None
    assert acme.policy.other_currencies == frozenset({"USD"})

    write(path, "[tenants.acme")  # a half-saved edit
    os.utime(path, (later + 5, later + 5))
    acme = directory.get("acme")
    assert acme is not None
    assert acme.policy.other_currencies == frozenset({"USD"})  # the last good one stays


def test_a_broken_file_at_start_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(TenantConfigError):
        TenantDirectory(write(tmp_path / "t.toml", "[tenants.acme"), ENV)


def test_no_file_means_no_tenant(tmp_path: Path) -> None:
    assert TenantDirectory(None, ENV).get("acme") is None
