"""The burst benchmark runs end to end against the emulator (small, sped up) and the
client paces itself: nothing THROTTLED reaches the caller, and the time is bounded by the
bucket's floor from below (a faster run would mean the emulator's bucket leaks) and,
loosely, from above. The 10 % target is the full benchmark's (`make bench-shopify`):
this sped-up run is mostly fixed overhead on a shared CI machine."""

from __future__ import annotations

import json
from pathlib import Path

from bench import shopify_burst


def test_shopify_burst_smoke(tmp_path: Path) -> None:
    out = tmp_path / "shopify_burst.json"

    shopify_burst.main(["--smoke", "--out", str(out)])

    (run,) = json.loads(out.read_text())["runs"]
    assert run["plan"] == "standard"
    assert run["requested_query_cost"] == [run["cost"]]
    assert run["responses"] >= run["queries"]
    assert run["throttled_errors"] == 0
    assert run["floor_s"] > 0
    assert 0.97 <= run["ratio"] <= 1.5, run
