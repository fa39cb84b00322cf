"""The whole orders flow as real processes: Shopify emulator -> gateway -> Kafka ->
orders -> reference ERP, each ``python -m`` on a free port, on the real Kafka and
Postgres, for one throwaway tenant.

Used by the end-to-end tests and by ``bench/orders``. Everything is the test's own: a
fresh tenant slug (so other tests' records on the shared topics are not ours), fresh
databases for the orders service and the ERP, its own consumer group whose offsets start
at the topics' current end (the shared topics' history is not replayed), its own ports.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from contracts.topics import ERP_DOCUMENTS, SHOPIFY_ORDERS
from plumbing.topic_admin import ensure_topics

from tests.e2e.processes import free_port, tail, until_up

SHOP = "demo.myshopify.com"
SHOP_TOKEN = "shpat_demo_access_token"
APP_SECRET = "demo_app_secret"
ERP_KEY = "erp_demo_api_key"
ERP_EVENT_SECRET = "demo_erp_event_secret"
ERP_COMPANY = "demo"
ORDER_TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
AFTERSALE_TOPICS = ("refunds/create",)

DEMO_POLICY: dict[str, Any] = {
    "document_type": "order",
    "trigger": "created",
    "currency": "USD",
    "tax_codes": {"0.16": "IVA16", "0": "IVA0"},
    "exempt_tax_code": "IVA0",
    "shipping_service_sku": "SHIPPING",
    "payment_methods": {"bogus": "CARD", "manual": "CASH"},
    "default_payment_method": "CARD",
    "credit_payment_methods": ["CREDIT"],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return json.dumps(str(value))
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    msg = f"cannot write {value!r} as TOML"
    raise TypeError(msg)


@dataclass
class Proc:
    module: str
    port: int
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None


@dataclass
class Stack:
    kafka: str
    orders_db: str
    erp_db: str
    workdir: Path
    tenant: str = field(default_factory=lambda: f"e2e{uuid.uuid4().hex[:8]}")
    policy: dict[str, Any] = field(default_factory=lambda: dict(DEMO_POLICY))
    orders_env: dict[str, str] = field(default_factory=dict)
    # Per process ("shopify_sim", "erp_sim", "gateway", "orders"): variables set last, e.g.
    # the emulator's time factor or log level for a benchmark.
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    procs: dict[str, Proc] = field(default_factory=dict)

    # -- configuration ---------------------------------------------------------------

    @property
    def tenants_file(self) -> Path:
        return self.workdir / "tenants.toml"

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.procs[name].port}"

    def write_tenants(self, policy: Mapping[str, Any] | None = None) -> None:
        """(Re)writes the tenants file; the orders service picks a change up by itself."""
        if policy is not None:
            self.policy = dict(policy)
        lines = [
            f"[tenants.{self.tenant}]",
            f'shop_domain = "{SHOP}"',
            f'erp_base_url = "{self.url("erp_sim")}"',
            f'shopify_api_url = "{self.url("shopify_sim")}"',
            f"[tenants.{self.tenant}.orders]",
            *(f"{key} = {_toml_value(value)}" for key, value in self.policy.items()),
        ]
        tmp = self.tenants_file.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n")
        tmp.replace(self.tenants_file)  # atomic: the service never reads half a file

    def _plan(self) -> None:
        slug = self.tenant.upper().replace("-", "_")
        base = {k: v for k, v in os.environ.items() if not k.startswith(("ORDERS_", "GATEWAY_"))}
        base |= {"KAFKA_BOOTSTRAP_SERVERS": self.kafka, "LOG_JSON": "true"}
        base.pop("DATABASE_URL", None)
        ports = {name: free_port() for name in ("shopify_sim", "erp_sim", "gateway", "orders")}
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        envs = {
            "shopify_sim": {
                "SHOPIFY_SIM_PORT": str(ports["shopify_sim"]),
                "SHOPIFY_SIM_TIME_FACTOR": "600",
            },
            "erp_sim": {
                "ERP_SIM_PORT": str(ports["erp_sim"]),
                "ERP_SIM_DATABASE_URL": self.erp_db,
                "ERP_SIM_DEMO": "true",
                "ERP_SIM_EVENT_URL": f"{gateway}/erp/{self.tenant}/events",
            },
            "gateway": {
                "GATEWAY_HTTP_PORT": str(ports["gateway"]),
                "GATEWAY_TENANTS_FILE": str(self.tenants_file),
                f"GATEWAY_TENANT_{slug}_SHOPIFY_SECRETS": APP_SECRET,
                f"GATEWAY_TENANT_{slug}_ERP_SECRETS": ERP_EVENT_SECRET,
            },
            "orders": {
                "ORDERS_HTTP_PORT": str(ports["orders"]),
                "DATABASE_URL": self.orders_db,
                "ORDERS_TENANTS_FILE": str(self.tenants_file),
                "ORDERS_CONSUMER_GROUP": f"orders-{self.tenant}",
                "ORDERS_RECONCILE_INTERVAL_S": "0",
                "ORDERS_UNKNOWN_TENANTS": "ignore",  # other stacks' tenants share the topics
                "ORDERS_RETRY_BASE_DELAY_S": "0.05",
                f"ORDERS_TENANT_{slug}_ERP_API_KEY": ERP_KEY,
                f"ORDERS_TENANT_{slug}_SHOPIFY_TOKEN": SHOP_TOKEN,
                **self.orders_env,
            },
        }
        for name, env in envs.items():
            module = name
            full = base | env | self.extra_env.get(name, {})
            self.procs[name] = Proc(module, ports[name], full, self.workdir / f"{name}.log")

    # -- processes -------------------------------------------------------------------

    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._plan()
        self.write_tenants()
        await ensure_topics(self.kafka)
        await self._start_group_at_end(f"orders-{self.tenant}")
        for name in ("shopify_sim", "erp_sim", "gateway", "orders"):
            self.launch(name)
        for name in self.procs:
            await self.until_up(name)
        await self.subscribe(ORDER_TOPICS + AFTERSALE_TOPICS)

    async def add_orders(self, name: str = "orders2") -> None:
        """Another orders process beside ``orders`` (after start()): its own port and log,
        the same database, tenants file and consumer group, so the group shares
        shopify.orders.v1's partitions between them (more consumers than partitions
        idle)."""
        first = self.procs["orders"]
        port = free_port()
        env = first.env | {"ORDERS_HTTP_PORT": str(port)}
        self.procs[name] = Proc(first.module, port, env, self.workdir / f"{name}.log")
        self.launch(name)
        await self.until_up(name)

    def launch(self, name: str) -> None:
        proc = self.procs[name]
        with proc.log.open("ab") as log:
            proc.popen = subprocess.Popen(
                [sys.executable, "-m", proc.module],
                env=proc.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def until_up(self, name: str, within_s: float = 60) -> None:
        proc = self.procs[name]
        assert proc.popen is not None
        async with httpx.AsyncClient(base_url=self.url(name), timeout=5) as client:
            await until_up(client, proc.popen, proc.log, within_s)

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no offset commit, no goodbye."""
        popen = self.procs[name].popen
        if popen is not None and popen.poll() is None:
            popen.send_signal(signal.SIGKILL)
            popen.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.popen is not None and proc.popen.poll() is None:
                proc.popen.terminate()
        for proc in self.procs.values():
            if proc.popen is not None:
                try:
                    proc.popen.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.popen.kill()

    def log_tail(self, name: str, chars: int = 4000) -> str:
        return tail(self.procs[name].log, chars)

    async def _start_group_at_end(self, group: str) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.kafka, group_id=group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            partitions = [  # ensure_topics made them with the registry's counts
                TopicPartition(topic.name, p)
                for topic in (SHOPIFY_ORDERS, ERP_DOCUMENTS)
                for p in range(topic.partitions)
            ]
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            await consumer.commit(dict(ends))
        finally:
            await consumer.stop()

    # -- the merchant's side (emulator) ----------------------------------------------

    def _sim(self, path: str = "") -> str:
        return f"{self.url('shopify_sim')}/_sim/shops/{SHOP}{path}"

    async def subscribe(self, topics: tuple[str, ...]) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            for topic in topics:
                body = {"topic": topic, "uri": f"{self.url('gateway')}/webhooks/shopify"}
                (await client.post(self._sim("/webhooks"), json=body)).raise_for_status()

    async def sim(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.request(method, self._sim(path), json=body)
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        answer: dict[str, Any] = response.json()
        return answer

    async def chaos(self, **knobs: Any) -> None:
        await self.sim("PUT", "/chaos", knobs)

    async def stock(self, sku: str, available: int) -> None:
        await self.sim("POST", "/inventory", {"sku": sku, "available": available})

    async def place_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        return (await self.sim("POST", "/orders", spec))["order"]

    # -- the back office's side (reference ERP) and ours -----------------------------

    async def erp_faults(self, **faults: Any) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.put(f"{self.url('erp_sim')}/_erp/faults", json=faults)
            response.raise_for_status()

    async def erp_documents(self) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.erp_db)
        try:
            return await conn.fetch(
                "SELECT id, number, status, shopify_order_id, currency, totals "
                "FROM sales_documents WHERE company_id = $1 ORDER BY created_at",
                ERP_COMPANY,
            )
        finally:
            await conn.close()

    async def erp_rows(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.erp_db)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    async def links(self) -> dict[str, str]:
        """Shopify order id -> ERP document id, as the orders service recorded them."""
        conn = await asyncpg.connect(self.orders_db)
        try:
            rows = await conn.fetch(
                "SELECT shopify_order_id, erp_document_id FROM order_documents WHERE tenant = $1",
                self.tenant,
            )
        except asyncpg.UndefinedTableError:
            return {}
        finally:
            await conn.close()
        return {r["shopify_order_id"]: r["erp_document_id"] for r in rows}

    async def reconcile(self, since: str | None = None) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=120) as client:
            response = await client.post(
                f"{self.url('orders')}/admin/reconcile/orders",
                json={"tenant": self.tenant, "since": since},
            )
        assert response.status_code == 200, response.text
        report: dict[str, Any] = response.json()
        return report

    async def wait_for(self, what: str, check: Any, within_s: float = 60) -> None:
        """Polls ``check()`` (async, truthy when done) or fails with the orders log."""
        deadline = asyncio.get_running_loop().time() + within_s
        while asyncio.get_running_loop().time() < deadline:
            if await check():
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"{what}: not within {within_s} s\n{self.log_tail('orders')}")
