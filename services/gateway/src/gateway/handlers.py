"""The two use cases: a Shopify webhook and an ERP event batch, from verified bytes to
records acknowledged by Kafka. Each returns an ``Answer``; nothing is published unless
every check passed, and 200 means Kafka acknowledged every record."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from contracts import route_for
from erp_connector.signatures import (
    EventSignatureError,
    SignatureMissing,
    TimestampOutsideWindow,
    verify_event_signature,
)
from shopify_client.webhooks import verify_webhook

from gateway import domain
from gateway.domain import Rejection
from gateway.ports import Publisher, PublishFailed, ReplayGuard
from gateway.tenants import Tenants

OUTCOMES = {400: "bad_request", 401: "unauthorized", 413: "too_large", 422: "unprocessable"}
ERP_SIGNATURE = "x-erp-signature"
ERP_TIMESTAMP = "x-erp-timestamp"


@dataclass
class Answer:
    """What to answer, and what the request log line and the metrics say about it."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    outcome: str = "accepted"
    tenant: str | None = None
    topic: str | None = None
    event_id: str | None = None
    events: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    detail: str | None = None  # for the log line only (why Kafka refused)

    def reject(self, rejection: Rejection) -> Answer:
        self.status = rejection.status
        self.body = rejection.body()
        self.outcome = OUTCOMES.get(rejection.status, "rejected")
        return self

    def unavailable(self, retry_after_s: int, failure: PublishFailed) -> Answer:
        self.detail = str(failure)
        self.status = 503
        self.body = {"error": "unavailable", "message": "Kafka did not acknowledge; retry"}
        self.outcome = "unavailable"
        self.headers = {"retry-after": str(retry_after_s)}
        return self


@dataclass
class Gateway:
    tenants: Tenants
    publisher: Publisher
    replay: ReplayGuard
    retry_after_s: int = 2
    erp_tolerance_s: int = 300
    clock: Callable[[], float] = field(default=lambda: datetime.now(UTC).timestamp())

    async def shopify(self, headers: Mapping[str, str], body: bytes) -> Answer:
        answer = Answer(event_id=headers.get(domain.WEBHOOK_ID))
        try:
            shop = domain.require_header(headers, domain.SHOP_DOMAIN)
            tenant = self.tenants.by_shop(shop)
            secrets = tenant.shopify_secrets if tenant else ()
            if not verify_webhook(body, headers.get(domain.HMAC), secrets) or tenant is None:
                raise domain.unauthorized()
            answer.tenant = tenant.slug
            topic = domain.shopify_topic(headers)
            answer.topic = topic
            webhook_id = domain.shopify_id(headers, domain.WEBHOOK_ID)
            payload = domain.parse_json_object(body)
            route = route_for(topic)
            if route is None:
                answer.outcome, answer.body = "ignored", {"status": "ignored"}
                return answer
            received_at = datetime.fromtimestamp(self.clock(), UTC)
            record = domain.shopify_record(
                tenant=tenant.slug,
                topic=topic,
                route=route,
                headers=headers,
                webhook_id=webhook_id,
                payload=payload,
                received_at=received_at,
            )
        except Rejection as rejection:
            return answer.reject(rejection)
        try:
            await self.publisher.publish([record])
        except PublishFailed as failure:
            return answer.unavailable(self.retry_after_s, failure)
        answer.events = 1
        answer.body = {"status": "accepted", "id": webhook_id, "topic": record.topic}
        return answer

    async def erp(self, slug: str, headers: Mapping[str, str], body: bytes) -> Answer:
        answer = Answer(topic="events")
        tenant = self.tenants.get(slug)
        now = self.clock()
        try:
            signature = self._verify_erp(tenant.erp_secrets if tenant else (), headers, body, now)
            if tenant is None:  # verify_event_signature refuses empty secrets: unreachable
                raise domain.unauthorized(domain.UNAUTHORIZED_ERP)
            answer.tenant = tenant.slug
            replay_key = f"{tenant.slug}:{signature}"
            if not self.replay.claim(replay_key, now):
                raise Rejection(401, "replayed", "this signature was already used")
        except Rejection as rejection:
            return answer.reject(rejection)
        try:
            outcomes = domain.judge_batch(tenant.slug, domain.erp_events(domain.parse_json(body)))
        except Rejection as rejection:
            return answer.reject(rejection)
        results = [o.answer() for o in outcomes]
        answer.events = len(outcomes)
        if len(outcomes) == 1:
            answer.event_id = outcomes[0].id
        if any(o.status == "rejected" for o in outcomes):
            rejected = sum(o.status == "rejected" for o in outcomes)
            return answer.reject(
                Rejection(
                    422,
                    "invalid_events",
                    f"{rejected} of {len(outcomes)} event(s) break the contract; "
                    "nothing was published",
                    {"results": results},
                )
            )
        try:
            await self.publisher.publish([o.record for o in outcomes if o.record is not None])
        except PublishFailed as failure:
            self.replay.release(replay_key)  # its retry is a retry, not a replay
            return answer.unavailable(self.retry_after_s, failure)
        answer.body = {"results": results}
        return answer

    def _verify_erp(
        self, secrets: tuple[str, ...], headers: Mapping[str, str], body: bytes, now: float
    ) -> str:
        signature = headers.get(ERP_SIGNATURE)
        try:
            verify_event_signature(
                body,
                signature,
                headers.get(ERP_TIMESTAMP),
                secrets,
                now=now,
                tolerance_s=self.erp_tolerance_s,
            )
        except SignatureMissing as exc:
            raise Rejection(401, "missing_signature", str(exc)) from exc
        except TimestampOutsideWindow as exc:
            raise Rejection(401, "stale_timestamp", str(exc)) from exc
        except EventSignatureError as exc:
            raise domain.unauthorized(domain.UNAUTHORIZED_ERP) from exc
        assert signature is not None
        return hashlib.sha256(signature.strip().lower().encode()).hexdigest()
