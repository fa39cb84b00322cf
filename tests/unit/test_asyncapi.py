from __future__ import annotations

import json

from contracts import TOPICS
from plumbing.asyncapi import document

from tests.conftest import REPO


def test_document_lists_every_topic_and_its_dlq() -> None:
    channels = document()["channels"]
    for topic in TOPICS:
        assert channels[topic.name]["address"] == topic.name
        assert channels[topic.dlq]["address"] == topic.dlq


def test_committed_document_is_current() -> None:
    committed = json.loads((REPO / "docs" / "asyncapi.json").read_text())
    assert committed == json.loads(json.dumps(document(), sort_keys=True)), (
        "docs/asyncapi.json is stale: run `make asyncapi` and commit it"
    )
