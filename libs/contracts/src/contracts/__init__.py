"""Message contracts shared by every service: the envelope, keys and the topic registry."""

from contracts.envelope import ENVELOPE_SCHEMA_VERSION, Envelope, Source
from contracts.keys import InvalidKey, make_key, split_key, validate_tenant
from contracts.topics import (
    BY_NAME,
    DLQ_SUFFIX,
    ROUTES,
    TOPICS,
    Route,
    Topic,
    dlq_name,
    original_topic,
    route_for,
)

__all__ = [
    "BY_NAME",
    "DLQ_SUFFIX",
    "ENVELOPE_SCHEMA_VERSION",
    "ROUTES",
    "TOPICS",
    "Envelope",
    "InvalidKey",
    "Route",
    "Source",
    "Topic",
    "dlq_name",
    "make_key",
    "original_topic",
    "route_for",
    "split_key",
    "validate_tenant",
]
