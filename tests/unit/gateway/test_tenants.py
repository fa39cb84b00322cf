"""Tenant configuration: validated at start, every error names the tenant and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from gateway.tenants import Tenant, TenantConfigError, Tenants, load_tenants, parse_tenants

ENV = {
    "GATEWAY_TENANT_ACME_SHOPIFY_SECRETS": "new-secret, old-secret",
    "GATEWAY_TENANT_ACME_ERP_SECRETS": "erp-secret",
    "GATEWAY_TENANT_BETA_CO_SHOPIFY_SECRETS": "beta-secret",
}


def doc(**tenants: dict[str, object]) -> dict[str, object]:
    return {"tenants": tenants}


def error_of(document: dict[str, object], environ: dict[str, str] | None = None) -> str:
    with pytest.raises(TenantConfigError) as caught:
        parse_tenants(document, ENV if environ is None else environ)
    return str(caught.value)


def test_a_valid_file_gives_tenants_by_slug_and_by_shop() -> None:
    tenants = parse_tenants(
        doc(
            acme={
                "shop_domain": "Acme.myshopify.com",
                "erp_base_url": "https://erp.acme.example",
                "settings": {"order_trigger": "paid"},
            },
            **{"beta-co": {"shop_domain": "beta-co.myshopify.com"}},
        ),
        ENV,
    )
    acme = tenants.get("acme")
    assert acme is not None
    assert acme.shop_domain == "acme.myshopify.com"
    assert acme.shopify_secrets == ("new-secret", "old-secret")
    assert acme.erp_secrets == ("erp-secret",)
    assert acme.settings == {"order_trigger": "paid"}
    assert tenants.by_shop("ACME.myshopify.com ") is acme
    beta = tenants.by_shop("beta-co.myshopify.com")
    assert beta is not None
    assert beta.slug == "beta-co"
    assert beta.erp_secrets == ()
    assert tenants.by_shop("other.myshopify.com") is None
    assert "secret" not in repr(acme)


def test_a_bad_shop_domain_names_tenant_and_field() -> None:
    message = error_of(doc(acme={"shop_domain": "acme.example.com"}))
    assert message.startswith("tenant 'acme': shop_domain: ")


def test_a_missing_shop_domain_names_tenant_and_field() -> None:
    assert error_of(doc(acme={})).startswith("tenant 'acme': shop_domain: Field required")


def test_a_bad_erp_url_and_an_unknown_field_are_named() -> None:
    message = error_of(doc(acme={"shop_domain": "acme.myshopify.com", "erp_base_url": "nope"}))
    assert message.startswith("tenant 'acme': erp_base_url: ")
    message = error_of(doc(acme={"shop_domain": "acme.myshopify.com", "secret": "x"}))
    assert message.startswith("tenant 'acme': secret: Extra inputs are not permitted")


def test_missing_secrets_name_the_variable() -> None:
    message = error_of(doc(acme={"shop_domain": "acme.myshopify.com"}), {})
    assert message == "tenant 'acme': GATEWAY_TENANT_ACME_SHOPIFY_SECRETS is not set"


def test_erp_secrets_are_required_with_an_erp() -> None:
    environ = {"GATEWAY_TENANT_BETA_CO_SHOPIFY_SECRETS": "s"}
    message = error_of(
        doc(**{"beta-co": {"shop_domain": "b.myshopify.com", "erp_base_url": "http://e"}}),
        environ,
    )
    assert message == "tenant 'beta-co': GATEWAY_TENANT_BETA_CO_ERP_SECRETS is not set"


@pytest.mark.parametrize(
    ("value", "problem"), [("a,,b", "holds an empty secret"), ("a,b,c", "holds 3 secrets")]
)
def test_bad_secret_lists_are_refused(value: str, problem: str) -> None:
    environ = {"GATEWAY_TENANT_ACME_SHOPIFY_SECRETS": value}
    message = error_of(doc(acme={"shop_domain": "acme.myshopify.com"}), environ)
    assert message.startswith(f"tenant 'acme': GATEWAY_TENANT_ACME_SHOPIFY_SECRETS {problem}")


def test_two_tenants_cannot_share_a_shop() -> None:
    environ = {**ENV, "GATEWAY_TENANT_ACME2_SHOPIFY_SECRETS": "x"}
    message = error_of(
        doc(
            acme={"shop_domain": "acme.myshopify.com"},
            acme2={"shop_domain": "ACME.myshopify.com"},
        ),
        environ,
    )
    assert message == "tenant 'acme2': shop_domain: acme.myshopify.com is already tenant 'acme''s"


def test_every_problem_is_reported_at_once() -> None:
    message = error_of(doc(acme={"shop_domain": "bad"}, **{"Bad Slug": {}}), {})
    lines = message.splitlines()
    assert any(line.startswith("tenant 'acme': shop_domain:") for line in lines)
    assert any(line.startswith("tenant 'Bad Slug': slug:") for line in lines)


def test_the_file_is_read_and_its_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tenants.toml"
    path.write_text('[tenants.acme]\nshop_domain = "acme.myshopify.com"\n')
    assert load_tenants(path, ENV).slugs() == ["acme"]
    path.write_text("[tenants.acme\n")
    with pytest.raises(TenantConfigError, match="not valid TOML"):
        load_tenants(path, ENV)
    with pytest.raises(TenantConfigError, match="No such file"):
        load_tenants(tmp_path / "missing.toml", ENV)


def test_the_demo_file_is_valid() -> None:
    path = Path(__file__).resolve().parents[3] / "deploy" / "tenants.demo.toml"
    environ = {
        "GATEWAY_TENANT_DEMO_SHOPIFY_SECRETS": "demo_app_secret",
        "GATEWAY_TENANT_DEMO_ERP_SECRETS": "demo_erp_event_secret",
    }
    demo = load_tenants(path, environ).get("demo")
    assert demo is not None
    assert demo.shop_domain == "demo.myshopify.com"
    assert demo.erp_base_url == "http://127.0.0.1:8082/"


def test_tenants_refuse_duplicates_when_built_directly() -> None:
    one = Tenant("a", "a.myshopify.com", ("s",))
    with pytest.raises(TenantConfigError, match="defined twice"):
        Tenants([one, one])
