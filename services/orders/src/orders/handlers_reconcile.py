"""Reconciliation: the orders whose webhooks never arrived, found by ``updated_at``.

Shopify does not guarantee delivery and tells apps to reconcile. Every order updated in
the window that has no ERP document yet is read (webhook shape) and fed to the same
inbox + handler path a Kafka message takes, in a synthetic envelope whose id is fixed by
(order id, updated_at): re-running over the same window is a duplicate in the inbox,
while a later update of the order (e.g. it got paid) is a new message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from contracts import Envelope
from plumbing.errors import ErrorKind, classify, error_reason
from plumbing.logging import get_logger
from shopify_client.errors import ShopifyError

from orders.ports import Connection, DocumentLink, ShopifyOrders

log = get_logger("orders.reconcile")

EVENT_TYPE = "orders/updated"
Handle = Callable[[Envelope], Awaitable[str]]


class LinkLookup(Protocol):
    async def is_linked(self, tenant: str, order_id: str) -> bool:
        """Whether the order already has its ERP document."""
        ...


class DocumentFor(Protocol):
    """The one ``OrderStore`` question reconciliation asks."""

    async def document_for(
        self, conn: Connection, tenant: str, order_id: str
    ) -> DocumentLink | None: ...


class Acquire(Protocol):
    """What reconciliation needs of a pool (``asyncpg.Pool`` fits)."""

    def acquire(self) -> AbstractAsyncContextManager[Connection]: ...


@dataclass(frozen=True, slots=True)
class StoreLinks:
    """``LinkLookup`` over the ``OrderStore``, one short connection per question."""

    pool: Acquire
    store: DocumentFor

    async def is_linked(self, tenant: str, order_id: str) -> bool:
        async with self.pool.acquire() as conn:
            return await self.store.document_for(conn, tenant, order_id) is not None


@dataclass
class ReconcileReport:
    """``failed`` counts every order that raised; ``transient`` those worth another
    try, which keep the window from moving on (``complete``)."""

    seen: int = 0
    linked_already: int = 0
    not_found: int = 0
    passed: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    transient: int = 0

    @property
    def complete(self) -> bool:
        return self.transient == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "linked_already": self.linked_already,
            "not_found": self.not_found,
            "passed": dict(self.passed),
            "failed": self.failed,
            "transient": self.transient,
        }


@dataclass(frozen=True, slots=True)
class ReconcileWindow:
    """Where a run starts: the last complete run's start less ``overlap`` (clocks and
    Shopify's search index lag a little), or ``first_lookback`` before now."""

    overlap: timedelta = timedelta(minutes=10)
    first_lookback: timedelta = timedelta(days=1)

    def since(self, last_started_at: datetime | None, now: datetime) -> datetime:
        if last_started_at is None:
            return now - self.first_lookback
        return last_started_at - self.overlap


def reconcile_envelope(tenant: str, order: dict[str, Any], listed_at: datetime) -> Envelope:
    """The synthetic message for one order read back from Shopify. Its version is the
    read's ``updated_at`` (an update between the list and the read is listed again next
    run with that same stamp, so it is then a duplicate), else the listed one."""
    order_id = str(order["id"])
    raw = order.get("updated_at")
    updated_at = datetime.fromisoformat(raw) if isinstance(raw, str) else listed_at
    stamp = updated_at.astimezone(UTC).isoformat()
    return Envelope.new(
        id=f"reconcile:{order_id}:{stamp}",
        type=EVENT_TYPE,
        source="shopify",
        tenant=tenant,
        entity_id=order_id,
        payload=order,
        occurred_at=updated_at,
        meta={"origin": "reconcile"},
    )


async def reconcile_orders(
    *,
    tenant: str,
    since: datetime,
    shopify: ShopifyOrders,
    links: LinkLookup,
    handle: Handle,
) -> ReconcileReport:
    """Pass every unlinked order updated since ``since`` to ``handle``; one order's
    failure is logged and counted, and the run goes on."""
    report = ReconcileReport()
    async for summary in shopify.orders_updated_since(since):
        report.seen += 1
        bound = log.bind(tenant=tenant, order_id=summary.order_id, order_name=summary.name)
        try:
            if await links.is_linked(tenant, summary.order_id):
                report.linked_already += 1
                continue
            order = await shopify.order(summary.order_id)
            if order is None:  # deleted between the list and the read
                report.not_found += 1
                continue
            envelope = reconcile_envelope(tenant, dict(order), summary.updated_at)
            outcome = await handle(envelope)
        except Exception as exc:  # one order must not stop the run
            report.failed += 1
            kind = _kind(exc)
            report.transient += kind == "transient"
            bound.warning(
                "orders.reconcile.failed", kind=kind, reason=error_reason(exc), error=str(exc)
            )
            continue
        report.passed[outcome] += 1
        bound.info("orders.reconcile.passed", outcome=outcome, message_id=envelope.id)
    log.info("orders.reconcile.done", tenant=tenant, since=since.isoformat(), **report.as_json())
    return report


def _kind(exc: Exception) -> ErrorKind:
    """The pipeline's classification, plus the Shopify client's own ``transient`` flag
    (its retries are spent, but the next run may well succeed)."""
    if isinstance(exc, ShopifyError):
        return "transient" if exc.transient else "permanent"
    return classify(exc)


class RunLog(Protocol):
    async def last_started_at(self, tenant: str) -> datetime | None:
        """The start of the tenant's last complete run, or None."""
        ...

    async def record(
        self, tenant: str, started_at: datetime, finished_at: datetime, report: ReconcileReport
    ) -> None:
        """Keep the report; move the window only when the report is complete."""
        ...


async def reconcile_tenant(
    *,
    tenant: str,
    shopify: ShopifyOrders,
    links: LinkLookup,
    handle: Handle,
    runs: RunLog,
    now: Callable[[], datetime],
    window: ReconcileWindow = ReconcileWindow(),  # frozen: shared safely
) -> ReconcileReport:
    """One scheduled run for a tenant: window from the run log, reconcile, record."""
    started = now()
    since = window.since(await runs.last_started_at(tenant), started)
    report = await reconcile_orders(
        tenant=tenant, since=since, shopify=shopify, links=links, handle=handle
    )
    await runs.record(tenant, started, now(), report)
    return report
