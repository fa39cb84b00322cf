"""The orders handler against an in-memory ERP and store: one document per order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import pytest
from contracts import Envelope
from erp_connector.errors import ErpValidationError
from erp_connector.models.documents import SalesDocument, SalesDocumentIn
from erp_connector.models.problems import Problem
from orders.domain_totals import erp_total
from orders.handlers import Outcome, handle_order_event
from orders.policy import OrdersPolicy
from orders.ports import Connection
from plumbing.errors import PermanentError, TransientError, classify

from tests.unit.orders.conftest import TAXES, make_policy, sample_order
from tests.unit.orders.fakes import FakeErp, FakeOrderStore

TENANT = "acme"
CONN = cast(Connection, object())  # the fakes never touch it


def envelope(order: dict[str, Any], type: str = "orders/create", id: str = "w-1") -> Envelope:
    return Envelope.new(
        id=id, type=type, source="shopify", tenant=TENANT, entity_id=order["id"], payload=order
    )


def with_customer(order: dict[str, Any], **fields: Any) -> dict[str, Any]:
    customer = {"id": 7001, "first_name": "Ana", "last_name": "Ruiz", **fields}
    return {**order, "customer": customer, "email": fields.get("email")}


@pytest.fixture
def erp() -> FakeErp:
    return FakeErp(skus={"PLAYERA-M", "GORRA-01"}, taxes=TAXES)


@pytest.fixture
def store() -> FakeOrderStore:
    return FakeOrderStore()


async def handle(
    env: Envelope, erp: FakeErp, store: FakeOrderStore, policy: OrdersPolicy | None = None
) -> Outcome:
    return await handle_order_event(
        env, conn=CONN, store=store, erp=erp, policy=policy or make_policy()
    )


async def test_an_order_becomes_one_linked_document(erp: FakeErp, store: FakeOrderStore) -> None:
    assert await handle(envelope(sample_order()), erp, store) == "applied"

    assert len(erp.documents) == 1
    ((key, document),) = erp.documents.items()
    link = store.links[(TENANT, "5923000000001")]
    assert (link.erp_document_id, link.erp_document_number) == (document.id, document.number)
    assert link.idempotency_key == key == "shopsync:acme:order:5923000000001:document"
    assert document.external_refs.shopify_order_id == "5923000000001"


async def test_the_same_envelope_twice_makes_one_document_and_one_create(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    env = envelope(sample_order())
    assert await handle(env, erp, store) == "applied"
    assert await handle(env, erp, store) == "already_linked"

    assert len(erp.documents) == 1
    assert erp.calls.count("create_sales_document") == 1


async def test_paid_before_create_makes_one_document(erp: FakeErp, store: FakeOrderStore) -> None:
    policy = make_policy(trigger="paid")
    order = sample_order()
    assert await handle(envelope(order, "orders/paid", "w-2"), erp, store, policy) == "applied"
    late_create = {**order, "financial_status": "pending"}
    outcome = await handle(envelope(late_create, "orders/create", "w-1"), erp, store, policy)

    assert outcome == "waiting"  # decided from its state; the link would stop it anyway
    assert len(erp.documents) == 1
    assert erp.calls.count("create_sales_document") == 1


async def test_pending_order_waits_for_payment_then_is_documented(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    policy = make_policy(trigger="paid")
    pending = {**sample_order(), "financial_status": "pending"}
    assert await handle(envelope(pending), erp, store, policy) == "waiting"
    assert erp.calls == []
    assert await handle(envelope(sample_order(), "orders/paid", "w-2"), erp, store, policy) == (
        "applied"
    )
    assert len(store.links) == 1


async def test_cancelled_order_is_skipped_not_an_error(erp: FakeErp, store: FakeOrderStore) -> None:
    cancelled = {**sample_order(), "cancelled_at": "2026-11-23T10:00:00-06:00"}
    assert await handle(envelope(cancelled), erp, store) == "skipped"
    assert erp.calls == []
    assert store.links == {}


async def test_guest_uses_the_general_public_customer(erp: FakeErp, store: FakeOrderStore) -> None:
    await handle(envelope(sample_order()), erp, store)

    (document,) = erp.documents.values()
    assert document.customer_id == erp.general_public.id
    assert "upsert_customer" not in erp.calls


async def test_known_customer_matched_by_email_is_reused(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    known = erp.add_customer(email="ana@example.com")
    order = with_customer(sample_order(), email="ana@example.com", phone="+525511112222")

    await handle(envelope(order), erp, store)

    (document,) = erp.documents.values()
    assert document.customer_id == known.id
    assert "upsert_customer" not in erp.calls
    assert len(erp.customers) == 1


async def test_new_customer_is_upserted_by_external_reference(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    order = with_customer(sample_order(), email="new@example.com")

    await handle(envelope(order), erp, store)

    (customer,) = erp.customers.values()
    assert customer.external_ref == "shopify:7001"
    assert customer.email == "new@example.com"
    assert next(iter(erp.documents.values())).customer_id == customer.id


async def test_unknown_sku_is_refused_naming_it_and_nothing_is_made(
    store: FakeOrderStore,
) -> None:
    erp = FakeErp(skus={"PLAYERA-M"}, taxes=TAXES)

    with pytest.raises(PermanentError) as caught:
        await handle(envelope(sample_order()), erp, store)

    assert classify(caught.value) == "permanent"
    assert caught.value.reason == "unknown_sku"
    assert "'GORRA-01'" in str(caught.value)
    assert erp.documents == {}
    assert store.links == {}
    assert "create_sales_document" not in erp.calls


async def test_a_refusal_of_the_domain_goes_to_the_dlq_with_its_code(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    foreign = {**sample_order(), "currency": "USD"}

    with pytest.raises(PermanentError) as caught:
        await handle(envelope(foreign), erp, store)

    assert caught.value.reason == "currency_mismatch"
    assert erp.documents == {}


async def test_erp_unavailable_is_transient_and_nothing_is_linked(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    erp.fail_next(1)

    with pytest.raises(TransientError) as caught:
        await handle(envelope(sample_order()), erp, store)

    assert classify(caught.value) == "transient"
    assert store.links == {}
    assert erp.documents == {}
    assert await handle(envelope(sample_order()), erp, store) == "applied"  # the retry


async def test_crash_after_the_erp_created_the_document_relinks_the_same_one(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    env = envelope(sample_order())
    store.fail_link = True
    with pytest.raises(ConnectionResetError) as caught:  # the DB went away: no commit
        await handle(env, erp, store)
    assert classify(caught.value) == "transient"  # plumbing retries it as it is
    assert len(erp.documents) == 1
    assert store.links == {}
    (first,) = erp.documents.values()

    store.fail_link = False  # redelivered: the claim was rolled back with the link
    assert await handle(env, erp, store) == "applied"

    assert len(erp.documents) == 1
    assert store.links[(TENANT, "5923000000001")].erp_document_id == first.id
    assert erp.calls.count("create_sales_document") == 2  # the second answered the first


async def test_erp_refusing_the_document_is_permanent_and_nothing_is_linked(
    store: FakeOrderStore,
) -> None:
    class RefusingErp(FakeErp):
        async def create_sales_document(
            self, doc: SalesDocumentIn, *, idempotency_key: str
        ) -> SalesDocument:
            problem = Problem(title="Unprocessable", status=422, detail="lines[0].sku")
            raise ErpValidationError(422, problem, operation="create_sales_document")

    erp = RefusingErp(skus={"PLAYERA-M", "GORRA-01"}, taxes=TAXES)

    with pytest.raises(PermanentError) as caught:
        await handle(envelope(sample_order()), erp, store)

    assert classify(caught.value) == "permanent"
    assert caught.value.reason == "erp_422"
    assert "lines[0].sku" in str(caught.value)
    assert store.links == {}


async def test_a_cent_of_rounding_is_closed_by_the_documents_rounding(
    erp: FakeErp, store: FakeOrderStore
) -> None:
    order = sample_order()
    total = order["current_total_price_set"]["shop_money"]["amount"]
    more = str(Decimal(total) + Decimal("0.01"))
    order["current_total_price"] = more
    order["current_total_price_set"]["shop_money"]["amount"] = more
    assert await handle(envelope(order), erp, store) == "applied"
    (sent,) = erp.sent.values()
    assert sent.rounding == Decimal("0.01")
    assert erp_total(sent, TAXES) == Decimal(more)


async def test_no_rounding_when_the_totals_agree(erp: FakeErp, store: FakeOrderStore) -> None:
    assert await handle(envelope(sample_order()), erp, store) == "applied"
    (sent,) = erp.sent.values()
    assert sent.rounding == 0
