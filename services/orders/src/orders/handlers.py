"""The orders service's application layer: one order event -> at most one ERP document.

``handle_order_event`` runs as the effect of ``plumbing.inbox.process_once``, on the
connection of the transaction that claimed the message, and raises only the errors the
pipeline classifies (``plumbing.errors``): a ``Refusal`` or an ``ErpPermanentError``
becomes a ``PermanentError`` (DLQ, with the refusal's code as reason and its sentence as
message); ``ErpUnavailable`` becomes a ``TransientError`` (retried with backoff).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal

from contracts import Envelope
from erp_connector.errors import ErpPermanentError, ErpUnavailable
from plumbing.errors import PermanentError, TransientError
from plumbing.logging import get_logger

from orders.domain import (
    Refusal,
    UnknownSku,
    check_total,
    idempotency_key,
    order_id,
    should_create,
    to_sales_document,
)
from orders.domain_document import line_label
from orders.handlers_customer import erp_customer_id
from orders.policy import OrdersPolicy
from orders.ports import Connection, DocumentLink, ErpPort, OrderStore

Outcome = Literal["applied", "skipped", "waiting", "already_linked"]

log = get_logger("orders.handlers")


@asynccontextmanager
async def pipeline_errors() -> AsyncIterator[None]:
    """Translate domain and ERP failures into the pipeline's two kinds."""
    try:
        yield
    except Refusal as exc:
        raise PermanentError(exc.reason, reason=exc.code) from exc
    except ErpPermanentError as exc:
        raise PermanentError(str(exc), reason=f"erp_{exc.status}") from exc
    except ErpUnavailable as exc:
        raise TransientError(str(exc)) from exc


async def handle_order_event(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    erp: ErpPort,
    policy: OrdersPolicy,
) -> Outcome:
    """Make the order's ERP document once, when the tenant's policy says so.

    Steps: decide (skip and wait are logged outcomes, not errors); an order already
    linked is done; every SKU must exist in the ERP; the customer (see
    ``orders.handlers_customer``); the document; its total against Shopify's by the
    ERP's own tax table; create it with the idempotency key derived from (tenant, order
    id); link it in ``store``, in the inbox claim's transaction.

    The ERP call happens before our commit. A crash (or a database failure) between the
    two leaves a document in the ERP and no link; the message is redelivered (its claim
    was rolled back too), and the retry sends the same idempotency key, so the ERP
    answers the document it already made (200) and we link that one: exactly one
    document per order, whatever fails in between.
    """
    async with pipeline_errors():
        return await _handle(envelope, conn=conn, store=store, erp=erp, policy=policy)


async def _handle(
    envelope: Envelope,
    *,
    conn: Connection,
    store: OrderStore,
    erp: ErpPort,
    policy: OrdersPolicy,
) -> Outcome:
    order = envelope.payload
    tenant = envelope.tenant
    decision = should_create(order, policy, envelope.type)
    if decision.action != "create":
        outcome: Outcome = "skipped" if decision.action == "skip" else "waiting"
        log.info("order.not_documented", outcome=outcome, reason=decision.reason)
        return outcome
    shopify_id = order_id(order)
    existing = await store.document_for(conn, tenant, shopify_id)
    if existing is not None:
        log.info("order.already_linked", erp_document=existing.erp_document_number)
        return "already_linked"

    await _check_skus(erp, order)
    customer_id = await erp_customer_id(erp, order)
    document = to_sales_document(order, policy, customer_id=customer_id)
    taxes = {tax.code: tax for tax in await erp.taxes()}
    difference = check_total(order, document, taxes, policy.rounding_tolerance)
    if difference:  # the two round tax differently: a bounded rounding closes the gap
        document = document.model_copy(update={"rounding": -difference})
        log.info("order.rounding", rounding=str(-difference))

    key = idempotency_key(tenant, shopify_id, "document")
    created = await erp.create_sales_document(document, idempotency_key=key)
    await store.link(
        conn,
        DocumentLink(
            tenant=tenant,
            shopify_order_id=shopify_id,
            erp_document_id=created.id,
            erp_document_number=created.number,
            idempotency_key=key,
        ),
    )
    log.info("order.documented", erp_document=created.number, erp_document_id=created.id)
    return "applied"


async def _check_skus(erp: ErpPort, order: Mapping[str, Any]) -> None:
    """Every SKU the document will carry exists in the ERP, or ``UnknownSku`` names the
    first one missing. Lines without a SKU are ``to_sales_document``'s to refuse; lines
    no longer sold (quantity 0) are not checked."""
    seen: set[str] = set()
    for index, item in enumerate(order.get("line_items") or []):
        sku = str(item.get("sku") or "").strip()
        quantity = item.get("current_quantity", item.get("quantity"))
        if not sku or sku in seen or not isinstance(quantity, int) or quantity <= 0:
            continue
        seen.add(sku)
        if await erp.product_by_sku(sku) is None:
            raise UnknownSku(sku, line_label(index, item))
