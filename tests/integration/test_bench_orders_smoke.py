"""The end-to-end orders benchmark runs (20 orders at 10/s through the emulator, gateway,
Kafka, one orders process and the reference ERP, all real processes) and writes its
results file. No timing assertions: CI machines are noisy; the figures belong to the
full run (python -m bench.orders)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import orders

pytestmark = pytest.mark.timeout(180)


def test_orders_bench_smoke(
    kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "orders.json"

    orders.main(["--smoke", "--out", str(out)])

    result = json.loads(out.read_text())
    (step,) = result["steps"]
    assert step["instances"] == 1
    assert step["orders"] == step["placed"] == step["documents"] == 20
    assert step["place_errors"] == {}
    assert step["errors"] == []
    for name in ("achieved_docs_per_s", "latency_ms_p50", "latency_ms_p99"):
        assert step[name] > 0, name
    assert step["latency_ms_p50"] <= step["latency_ms_p99"] <= step["latency_ms_max"]
    assert {"orders", "machine", "bench"} <= set(step["cpu_pct"])
    assert set(step["documented_by_process"]) == {"orders"}  # parsed from its log
    expected = {"max_sustained_per_s_by_instances", "target", "meets_target", "command", "when"}
    assert expected <= set(result)
