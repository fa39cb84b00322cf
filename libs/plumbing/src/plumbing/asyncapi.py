"""The AsyncAPI 3.0 document of every registered topic, generated from the registry.

Run ``python -m plumbing.asyncapi [OUT]`` (``make asyncapi``) to write it; the test
suite regenerates it and checks the committed copy is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from contracts import TOPICS, Envelope
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

DEFAULT_OUT = Path("docs/asyncapi.json")


def specification() -> AsyncAPI:
    broker = KafkaBroker("kafka:9092", description="The platform's Kafka cluster")
    for topic in TOPICS:
        description = (
            f"{topic.description} Key: tenant:{topic.key_entity}. "
            f"{topic.partitions} partitions. Event types: {', '.join(topic.event_types)}. "
            f"Permanent failures go to {topic.dlq}."
        )
        publisher = broker.publisher(
            topic.name, title=topic.name, description=description, schema=Envelope
        )
        dlq = broker.publisher(
            topic.dlq,
            title=topic.dlq,
            description=f"Dead letters of {topic.name}: the original record plus "
            "x-dlq-* headers naming the error, origin and attempts.",
            schema=Envelope,
        )
        del publisher, dlq
    return AsyncAPI(
        broker,
        title="shopsync topics",
        version="1",
        description="Events between the gateway and the sync services.",
        schema_version="3.0.0",
    )


def document() -> dict[str, Any]:
    jsonable: dict[str, Any] = specification().to_specification().to_jsonable()
    return jsonable


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(TOPICS)} topics and their DLQs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
