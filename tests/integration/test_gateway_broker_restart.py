"""Acceptance: the broker stops during a stream of webhooks and comes back.

A dedicated broker (never the shared one) and ``python -m gateway`` as a process. Signed
``orders/create`` webhooks stream in on a fixed timetable while the broker is stopped
(SIGTERM, data kept) and started again. While it is down every answer is a prompt 503
with ``Retry-After`` (within the publish budget, never a hang); once it is back the same
gateway process answers 200 again without a restart. Then, as Shopify would, every
webhook that got a 503 is delivered again with the same id and body until it gets a 200.

On the topic, read from the beginning: every webhook is there, exactly as sent (envelope
id = webhook id, key ``tenant:order id``, payload = the body). A webhook that got a 503
may be there twice: the gateway gave up waiting, but its record may still have been in
the producer's buffer and written once the broker came back, and the retry writes it
again. Both copies carry the same envelope id, so the consumers' inboxes keep one; a
webhook that never got a 503 is there exactly once.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer

from bench.gateway import GatewayProcess, order_body, running_gateway, webhook_headers
from tests.integration.dedicated_kafka import DedicatedKafka, dedicated_kafka

TOPIC = "shopify.orders.v1"
TENANT = "acme"
SHOP = "acme.myshopify.com"
SECRET = "restart-test-app-secret"
RATE = 8.0  # webhooks/s
ANSWER_WITHIN_S = 5.0  # the publish budget (2.5 s) plus slack on a busy CI machine
DOWN_FOR_S = 6.0


@dataclass
class Attempt:
    started: float
    elapsed: float
    status: int | None
    retry_after: str | None = None
    error: str | None = None


@dataclass
class Webhook:
    id: str
    order_id: int
    body: bytes
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return any(a.status == 200 for a in self.attempts)

    @property
    def got_503(self) -> bool:
        return any(a.status == 503 for a in self.attempts)


class Stream:
    """Sends one new webhook every 1/RATE s, each on its own task (open loop)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.webhooks: list[Webhook] = []
        self.tasks: list[asyncio.Task[None]] = []
        self._stopped = asyncio.Event()

    async def send(self, hook: Webhook) -> None:
        headers = webhook_headers(hook.body, webhook_id=hook.id, shop=SHOP, secret=SECRET)
        t0 = time.monotonic()
        try:
            answer = await self.client.post("/webhooks/shopify", content=hook.body, headers=headers)
        except httpx.HTTPError as exc:
            hook.attempts.append(Attempt(t0, time.monotonic() - t0, None, error=repr(exc)))
            return
        hook.attempts.append(
            Attempt(
                t0, time.monotonic() - t0, answer.status_code, answer.headers.get("retry-after")
            )
        )

    async def run(self) -> None:
        base = 1_000_000 + uuid.uuid4().int % 10**9
        begin = time.monotonic()
        i = 0
        while not self._stopped.is_set():
            await asyncio.sleep(max(0.0, begin + i / RATE - time.monotonic()))
            if self._stopped.is_set():
                break
            body = json.dumps(order_body(base + i, line_items=2)).encode()
            hook = Webhook(id=str(uuid.uuid4()), order_id=base + i, body=body)
            self.webhooks.append(hook)
            self.tasks.append(asyncio.create_task(self.send(hook)))
            i += 1

    def stop(self) -> None:
        self._stopped.set()

    def attempts(self, since: float, until: float = float("inf")) -> list[Attempt]:
        """Attempts started in [since, until)."""
        return [a for h in self.webhooks for a in h.attempts if since <= a.started < until]

    async def until(self, condition: Callable[[], bool], within: float, what: str) -> float:
        t0 = time.monotonic()
        while not condition():
            if time.monotonic() - t0 > within:
                raise AssertionError(f"timed out after {within}s waiting for {what}")
            await asyncio.sleep(0.1)
        return time.monotonic() - t0


async def read_topic(bootstrap: str) -> list[tuple[bytes, dict[str, object]]]:
    """Every record of TOPIC up to its end offsets now: (key, envelope)."""
    consumer = AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        group_id=None,  # no group: every partition is assigned to this consumer
    )
    await consumer.start()
    try:
        parts = list(consumer.assignment())  # assigned by start() without a group
        ends = await consumer.end_offsets(parts)
        records: list[tuple[bytes, dict[str, object]]] = []
        async with asyncio.timeout(30):
            while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    records.extend((r.key, json.loads(r.value)) for r in batch)
        return records
    finally:
        await consumer.stop()


async def test_gateway_answers_503_while_the_broker_is_down_and_loses_nothing(
    tmp_path: Path,
) -> None:
    with dedicated_kafka(tmp_path / "kafka") as kafka:
        async with running_gateway(
            kafka.bootstrap, tenant=TENANT, shop=SHOP, secret=SECRET
        ) as gateway:
            pid = gateway.proc.pid if gateway.proc else None
            async with httpx.AsyncClient(base_url=gateway.base_url, timeout=30.0) as client:
                stream = Stream(client)
                await _stop_and_restart_under_load(stream, kafka, gateway)
                # Shopify's retry: the same webhook (id and body) again until a 200.
                for _ in range(5):
                    pending = [h for h in stream.webhooks if not h.ok]
                    if not pending:
                        break
                    await asyncio.gather(*(stream.send(h) for h in pending))
                assert all(h.ok for h in stream.webhooks), "a webhook never got its 200"
            assert gateway.proc is not None
            assert gateway.proc.returncode is None
            assert gateway.proc.pid == pid, "the gateway recovered without a restart"
        records = await read_topic(kafka.bootstrap)

    sent = {h.id: h for h in stream.webhooks}
    copies = Counter(str(env["id"]) for _, env in records)
    assert set(copies) == set(sent), "every webhook on the topic, nothing else"
    for key, env in records:
        hook = sent[str(env["id"])]
        assert key == f"{TENANT}:{hook.order_id}".encode()
        assert env["key"] == f"{TENANT}:{hook.order_id}"
        assert env["type"] == "orders/create"
        assert env["tenant"] == TENANT
        assert env["payload"] == json.loads(hook.body)
    unexplained = {i: sent[i].attempts for i, n in copies.items() if n > 1 and not sent[i].got_503}
    assert not unexplained, f"duplicates of webhooks that never got a 503: {unexplained}"


async def _stop_and_restart_under_load(
    stream: Stream, kafka: DedicatedKafka, gateway: GatewayProcess
) -> None:
    runner = asyncio.create_task(stream.run())
    try:
        await stream.until(lambda: sum(h.ok for h in stream.webhooks) >= 8, 20, "first 200s")
        stopping = time.monotonic()
        await asyncio.to_thread(kafka.stop)
        down = time.monotonic()
        await asyncio.sleep(DOWN_FOR_S)
        starting = time.monotonic()
        await asyncio.to_thread(kafka.start)
        up = time.monotonic()

        def recovered() -> bool:
            after = sorted(stream.attempts(up), key=lambda a: a.started)
            answered = [a for a in after if a.status is not None or a.error]
            return len(answered) >= 8 and all(a.status == 200 for a in answered[-8:])

        await stream.until(recovered, 30, "200s again after the broker came back")
    finally:
        stream.stop()
        await runner  # no new webhook after this
        await asyncio.gather(*stream.tasks)

    before = [a for a in stream.attempts(0, stopping) if a.started + a.elapsed < stopping]
    assert before
    assert all(a.status == 200 for a in before), Counter(a.status for a in before)

    # Started once the broker was down and answered before it was being started again.
    while_down = [a for a in stream.attempts(down) if a.started + a.elapsed < starting]
    assert len(while_down) >= 10, len(while_down)
    assert all(a.status == 503 for a in while_down), Counter(a.status for a in while_down)
    assert all(a.retry_after and int(a.retry_after) >= 1 for a in while_down), gateway.tail()
    slowest = max(a.elapsed for a in while_down)
    assert slowest < ANSWER_WITHIN_S, f"a 503 took {slowest:.1f}s: the gateway hangs"

    everything = stream.attempts(0)
    assert all(a.error is None for a in everything), [a.error for a in everything if a.error]
    assert {a.status for a in everything} <= {200, 503}, Counter(a.status for a in everything)
