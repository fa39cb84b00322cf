"""The gateway benchmark runs end to end (200 webhooks at 100/s against one python -m
gateway process on the real broker) and writes its results file. No timing assertions:
CI machines are noisy; the figures belong to the full run (python -m bench.gateway)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import gateway


def test_gateway_bench_smoke(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    out = tmp_path / "gateway.json"

    gateway.main(["--smoke", "--out", str(out)])

    result = json.loads(out.read_text())
    (step,) = result["steps"]
    assert step["webhooks"] == 200
    assert step["ok"] == 200
    assert step["errors"] == {}
    for name in ("sustained_per_s", "latency_ms_p50", "latency_ms_p95", "latency_ms_p99"):
        assert step[name] > 0, name
    assert step["latency_ms_p50"] <= step["latency_ms_p99"] <= step["latency_ms_max"]
    assert {"target", "meets_target", "machine", "when"} <= set(result)
