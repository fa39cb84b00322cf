"""The pipeline benchmark runs end to end (tiny size) and writes its results file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import pipeline


def test_pipeline_bench_smoke(
    kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "pipeline.json"

    pipeline.main(["--smoke", "--out", str(out)])

    result = json.loads(out.read_text())
    assert result["drain_messages"] == 300
    assert result["drain_messages_per_s"] > 0
    assert 0 < result["latency_ms_p50"] <= result["latency_ms_p99"] <= result["latency_ms_max"]
