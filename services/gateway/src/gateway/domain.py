"""Pure rules of the gateway: reading headers and bodies, building envelopes, judging
an ERP batch. No I/O here; every refusal is a ``Rejection`` carrying its HTTP status,
a short error code and a message that never holds a secret or a body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from contracts import Envelope, InvalidKey, Route, make_key, route_for
from erp_connector.models.events import ChangeEvent
from pydantic import TypeAdapter, ValidationError

# Shopify's headers (names are case-insensitive; ASGI gives them lower-cased).
TOPIC = "x-shopify-topic"
SHOP_DOMAIN = "x-shopify-shop-domain"
HMAC = "x-shopify-hmac-sha256"
WEBHOOK_ID = "x-shopify-webhook-id"
TRIGGERED_AT = "x-shopify-triggered-at"
API_VERSION = "x-shopify-api-version"
EVENT_ID = "x-shopify-event-id"
HEADER_NAMES = {
    TOPIC: "X-Shopify-Topic",
    SHOP_DOMAIN: "X-Shopify-Shop-Domain",
    HMAC: "X-Shopify-Hmac-Sha256",
    WEBHOOK_ID: "X-Shopify-Webhook-Id",
}
UNAUTHORIZED_SHOP = "invalid signature or unknown shop"
UNAUTHORIZED_ERP = "invalid signature or unknown tenant"
MAX_BATCH = 500

_ID = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no spaces
_TOPIC = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Rejection(Exception):
    """A request we refuse: nothing of it is published."""

    status: int
    code: str
    message: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


def unauthorized(message: str = UNAUTHORIZED_SHOP, code: str = "unauthorized") -> Rejection:
    return Rejection(401, code, message)


def too_large(limit: int) -> Rejection:
    return Rejection(413, "body_too_large", f"the body is larger than {limit} bytes")


def require_header(headers: Mapping[str, str], name: str) -> str:
    """The header's value, stripped; 400 naming the header when missing or empty."""
    value = headers.get(name, "").strip()
    if not value:
        shown = HEADER_NAMES.get(name, name)
        raise Rejection(400, "missing_header", f"{shown} header is missing")
    return value


def shopify_id(headers: Mapping[str, str], name: str) -> str:
    value = require_header(headers, name)
    if not _ID.fullmatch(value):
        shown = HEADER_NAMES.get(name, name)
        raise Rejection(400, "bad_header", f"{shown} is not a valid id")
    return value


def shopify_topic(headers: Mapping[str, str]) -> str:
    value = require_header(headers, TOPIC)
    if not _TOPIC.fullmatch(value):
        raise Rejection(400, "bad_header", "X-Shopify-Topic is not a webhook topic")
    return value


def _no_constants(name: str) -> Any:
    msg = f"{name} is not JSON"
    raise ValueError(msg)


def parse_json(body: bytes) -> Any:
    """Strict JSON: UTF-8 (no BOM), no NaN/Infinity; integers stay exact (never floats)."""
    if not body.strip():
        raise Rejection(400, "empty_body", "the body is empty")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejection(400, "not_utf8", f"the body is not UTF-8 (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError as exc:
        raise Rejection(400, "not_json", "the body is not JSON") from exc


def parse_json_object(body: bytes) -> dict[str, Any]:
    document = parse_json(body)
    if not isinstance(document, dict):
        raise Rejection(400, "not_an_object", "the body is not a JSON object")
    return document


def parse_triggered_at(value: str | None, received_at: datetime) -> datetime:
    """``X-Shopify-Triggered-At`` (ISO 8601, nanoseconds cut to micro); receipt time when
    it is absent or unreadable: it is informative, never worth a refused webhook."""
    if not value:
        return received_at
    text = value.strip()
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)", text)
    if match:  # Python 3.11 reads at most 6 fractional digits
        text = f"{match[1]}.{match[2][:6]}{match[3]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return received_at
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Record:
    """One Kafka record to write."""

    topic: str
    key: bytes
    value: bytes
    envelope_id: str


def shopify_record(
    *,
    tenant: str,
    topic: str,
    route: Route,
    headers: Mapping[str, str],
    webhook_id: str,
    payload: dict[str, Any],
    received_at: datetime,
) -> Record:
    """The envelope of one verified webhook; 422 when the body lacks its key field."""
    try:
        entity = route.entity_id(payload)
    except LookupError as exc:
        raise Rejection(422, "no_entity_id", f"{topic}: {exc}") from exc
    meta = {"shop_domain": headers.get(SHOP_DOMAIN, "").strip().lower()}
    for header, name in ((API_VERSION, "api_version"), (EVENT_ID, "event_id")):
        if value := headers.get(header, "").strip():
            meta[name] = value
    if raw := headers.get(TRIGGERED_AT, "").strip():
        meta["triggered_at"] = raw
    try:
        envelope = Envelope.new(
            id=webhook_id,
            type=topic,
            source="shopify",
            tenant=tenant,
            entity_id=entity,
            payload=payload,
            occurred_at=parse_triggered_at(headers.get(TRIGGERED_AT), received_at),
            meta=meta,
        )
    except (InvalidKey, ValidationError) as exc:
        raise Rejection(422, "no_entity_id", f"{topic}: {route.key_path[-1]} is not an id") from exc
    return Record(route.topic.name, envelope.key.encode(), envelope.to_bytes(), envelope.id)


# --- ERP change events ------------------------------------------------------------------

_EVENT: TypeAdapter[Any] = TypeAdapter(ChangeEvent)


@dataclass(frozen=True)
class EventOutcome:
    index: int
    id: str | None
    status: str  # accepted | duplicate | rejected | not_published
    error: str | None = None
    record: Record | None = None

    def answer(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "id": self.id, "status": self.status}
        if self.error:
            out["error"] = self.error
        return out


def erp_events(document: Any) -> list[Any]:
    """One event (an object with a ``type``) or a batch ``{"events": [...]}``."""
    if not isinstance(document, dict):
        raise Rejection(400, "not_an_object", "the body is not a JSON object")
    if "events" in document:
        events = document["events"]
        extra = set(document) - {"events"}
        if extra:
            raise Rejection(422, "invalid_batch", f"unknown batch field(s): {sorted(extra)}")
        if not isinstance(events, list) or not events:
            raise Rejection(422, "invalid_batch", "events: must be a non-empty list")
        if len(events) > MAX_BATCH:
            raise Rejection(422, "invalid_batch", f"events: at most {MAX_BATCH} per request")
        return events
    return [document]


def _error_text(index: int, error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if not isinstance(p, str) or "." not in p)
    if first["type"] == "union_tag_invalid":
        where, text = "type", "unknown event type"
    elif first["type"] == "union_tag_not_found":
        where, text = "type", "field required"
    else:
        text = first["msg"][0].lower() + first["msg"][1:]
    return f"events[{index}].{where}: {text}" if where else f"events[{index}]: {text}"


def _erp_record(tenant: str, raw: dict[str, Any], event: Any) -> Record:
    occurred_at: datetime = event.occurred_at
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at: must carry a UTC offset")
    route = route_for(event.type)
    if route is None:  # every ChangeEvent type is routed (contracts' test proves it)
        raise ValueError(f"type: {event.type} has no topic")
    entity = route.entity_id(raw["data"])
    try:
        make_key(tenant, entity)
    except InvalidKey as exc:
        raise ValueError(f"data.{'.'.join(route.key_path)}: {exc}") from exc
    envelope = Envelope.new(
        id=str(event.id),
        type=event.type,
        source="erp",
        tenant=tenant,
        entity_id=entity,
        payload=raw,
        occurred_at=occurred_at,
        meta={"version": str(event.version)},
    )
    return Record(route.topic.name, envelope.key.encode(), envelope.to_bytes(), envelope.id)


def judge_batch(tenant: str, events: list[Any]) -> list[EventOutcome]:
    """Each event's outcome. When any is rejected, the others are ``not_published``
    (the batch is all or nothing: the sender fixes it and sends it again whole)."""
    outcomes: list[EventOutcome] = []
    seen: set[str] = set()
    for index, raw in enumerate(events):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        shown_id = raw_id if isinstance(raw_id, str) else None
        try:
            event = _EVENT.validate_python(raw)
        except ValidationError as exc:
            outcomes.append(EventOutcome(index, shown_id, "rejected", _error_text(index, exc)))
            continue
        try:
            record = _erp_record(tenant, raw, event)
        except LookupError as exc:
            error = f"events[{index}].data: {exc}"
            outcomes.append(EventOutcome(index, str(event.id), "rejected", error))
            continue
        except ValueError as exc:
            error = f"events[{index}].{exc}"
            outcomes.append(EventOutcome(index, str(event.id), "rejected", error))
            continue
        if record.envelope_id in seen:
            outcomes.append(EventOutcome(index, record.envelope_id, "duplicate"))
            continue
        seen.add(record.envelope_id)
        outcomes.append(EventOutcome(index, record.envelope_id, "accepted", record=record))
    if any(o.status == "rejected" for o in outcomes):
        return [
            o if o.status == "rejected" else EventOutcome(o.index, o.id, "not_published")
            for o in outcomes
        ]
    return outcomes
