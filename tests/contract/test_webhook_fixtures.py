"""Every real Shopify webhook body we hold routes to a topic and yields its key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from contracts import make_key, route_for

_WEBHOOK = re.compile(r"^\d\d_([a-z_]+)_([a-z]+)__shopify_sample")


def _webhook_fixtures(shared: Path) -> list[tuple[str, dict[str, object]]]:
    found = []
    for path in sorted((shared / "shopify" / "fixtures").glob("*.json")):
        match = _WEBHOOK.match(path.name)
        if match:
            found.append(
                (f"{match[1]}/{match[2]}", json.loads(path.read_text(encoding="utf-8-sig")))
            )
    return found


def test_each_real_webhook_routes_and_keys(shared_dir: Path) -> None:
    fixtures = _webhook_fixtures(shared_dir)
    assert len(fixtures) >= 9, "the shared fixtures went missing"
    for event_type, body in fixtures:
        route = route_for(event_type)
        assert route is not None, f"{event_type} has no topic"
        entity = route.entity_id(body)
        assert make_key("acme", entity).startswith("acme:")
        assert int(entity) > 0, f"{event_type}: {entity!r} is not a Shopify id"
