"""``python -m shopify_sim``: every knob documented with its default, clear refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from shopify_sim.__main__ import OPTION_FIELDS, build_parser, settings_from_args
from shopify_sim.app import build_state, create_app
from shopify_sim.settings import DEMO_SHOP, SimSettings

EVERY_OPTION = [
    "--host",
    "--port",
    "--shop",
    "--config",
    "--demo",
    "--no-demo",
    "--time-factor",
    "--webhook-timeout",
    "--webhook-connect-timeout",
    "--duplicates",
    "--shuffle-window",
    "--delay",
    "--drop-pct",
    "--seed",
    "--public-url",
    "--log-level",
]


def test_help_lists_every_option_with_its_default() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shopify_sim", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    for option in EVERY_OPTION:
        assert option in text, option
    for default in ("(default: 8081)", "(default: 127.0.0.1)", "(default: 5.0)", "(default: 1.0)"):
        assert default in text, default
    assert "DOMAIN:TOKEN:SECRET[:PLAN]" in text
    assert "demo.myshopify.com" in text


def test_every_setting_has_an_option() -> None:
    parser = build_parser(SimSettings())
    options = {a.dest for a in parser._actions}
    assert set(OPTION_FIELDS) <= options
    covered = set(OPTION_FIELDS.values()) | {"shops"}
    assert set(SimSettings.model_fields) == covered


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("acme.myshopify.com", "is not DOMAIN:TOKEN:SECRET[:PLAN]"),
        ("acme.myshopify.com:token:secret:gold", "unknown plan 'gold'"),
        ("acme.myshopify.com::secret", "is not DOMAIN:TOKEN:SECRET[:PLAN]"),
        ("Not A Domain:token:secret", "domain"),
    ],
)
def test_a_bad_shop_is_a_clear_usage_error(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        settings_from_args(["--shop", value])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_shops_and_knobs_reach_the_settings(tmp_path: Path) -> None:
    config = tmp_path / "shops.json"
    config.write_text(
        json.dumps(
            [
                {
                    "domain": "b.myshopify.com",
                    "access_token": "t2",
                    "app_secret": "s2",
                    "plan": "plus",
                }
            ]
        )
    )
    settings = settings_from_args(
        [
            "--shop",
            "a.myshopify.com:t1:s1",
            "--config",
            str(config),
            "--time-factor",
            "60",
            "--duplicates",
            "2",
            "--drop-pct",
            "5",
            "--seed",
            "7",
            "--no-demo",
        ]
    )
    assert [(s.domain, s.plan) for s in settings.shops] == [
        ("a.myshopify.com", "standard"),
        ("b.myshopify.com", "plus"),
    ]
    assert (settings.time_factor, settings.demo) == (60.0, False)
    assert settings.chaos().duplicates == 2
    assert (settings.chaos().drop_pct, settings.chaos().seed) == (5.0, 7)


def test_no_shop_means_the_demo_shop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPIFY_SIM_SHOPS", raising=False)
    settings = settings_from_args([])
    assert [s.domain for s in settings.served_shops()] == ["demo.myshopify.com"]
    assert settings.seeds_demo_data()
    assert not settings_from_args(["--shop", "a.myshopify.com:t:s"]).seeds_demo_data()
    assert settings_from_args(["--shop", "a.myshopify.com:t:s", "--demo"]).seeds_demo_data()


def test_environment_sets_defaults_and_options_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPIFY_SIM_PORT", "9999")
    monkeypatch.setenv("SHOPIFY_SIM_TIME_FACTOR", "3")
    settings = settings_from_args(["--time-factor", "5"])
    assert (settings.port, settings.time_factor) == (9999, 5.0)


def test_bad_values_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        settings_from_args(["--time-factor", "0"])
    assert exited.value.code == 2
    assert "time_factor" in capsys.readouterr().err
    missing = tmp_path / "missing.json"
    with pytest.raises(SystemExit):
        settings_from_args(["--config", str(missing)])
    assert "--config" in capsys.readouterr().err


async def test_the_default_emulator_serves_a_seeded_demo_shop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SHOPIFY_SIM_SHOPS", raising=False)
    settings = settings_from_args([])
    state = build_state(settings)
    [shop] = state.shops.values()
    assert (len(shop.products), len(shop.customers), len(shop.orders)) == (2, 1, 1)
    app = create_app(state, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        response = await http.post(
            "/admin/api/2026-10/graphql.json",
            json={"query": '{ productVariants(first: 5, query: "sku:TEE-M") { nodes { sku } } }'},
            headers={"X-Shopify-Access-Token": DEMO_SHOP.access_token},
        )
    assert response.json()["data"]["productVariants"]["nodes"] == [{"sku": "TEE-M"}]
