"""The demo tenant of `make up` and of docker compose: valid, and the same but for hosts."""

from __future__ import annotations

import tomllib
from pathlib import Path

from orders.tenants import load_tenants

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
ENV = {
    "ORDERS_TENANT_DEMO_ERP_API_KEY": "erp_demo_api_key",
    "ORDERS_TENANT_DEMO_SHOPIFY_TOKEN": "shpat_demo_access_token",
}


def test_both_demo_files_load_with_the_same_policy() -> None:
    local = load_tenants(DEPLOY / "tenants.demo.toml", ENV)["demo"]
    compose = load_tenants(DEPLOY / "tenants.compose.toml", ENV)["demo"]
    assert local.policy == compose.policy
    assert local.shop_domain == compose.shop_domain == "demo.myshopify.com"
    assert compose.erp_base_url == "http://erp-sim:8082"


def test_the_files_differ_only_in_hosts() -> None:
    def without_hosts(name: str) -> dict[str, object]:
        table = tomllib.loads((DEPLOY / name).read_text())["tenants"]["demo"]
        return {k: v for k, v in table.items() if k not in {"erp_base_url", "shopify_api_url"}}

    assert without_hosts("tenants.demo.toml") == without_hosts("tenants.compose.toml")
