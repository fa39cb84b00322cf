"""Benchmark of one gateway process: signed Shopify webhooks at fixed rates.

``python -m gateway`` runs as a subprocess against the real broker named by
``KAFKA_BOOTSTRAP_SERVERS``; this process sends signed ``orders/create`` webhooks on a
fixed timetable (open loop) over several keep-alive connections and measures each
latency from the time the webhook was *scheduled*, not sent, so a slow gateway cannot
hide its backlog (coordinated omission). A 200 means Kafka acknowledged (acks=all).

The client is a minimal HTTP/1.1 writer over asyncio streams with every request built
and signed before its step starts: httpx costs several times more CPU per request, and
on this 2-core machine the load generator, the gateway and the Kafka JVM share the
cores. Each step records the CPU each side used, so the client's share is visible.

    uv run python -m bench.gateway                       # steps 250, 500, 1000, 1500 /s
    uv run python -m bench.gateway --rates 1000 --seconds 20
    uv run python -m bench.gateway --profile             # + cProfile of the gateway
    uv run python -m bench.gateway --smoke               # what CI runs (200 at 100/s)

Results go to bench/results/gateway.json (override with --out).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import hmac
import io
import json
import os
import platform
import pstats
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

DEFAULT_OUT = Path(__file__).parent / "results" / "gateway.json"
TENANT = "bench"
SHOP = "bench.myshopify.com"
SECRET = "bench-shopify-app-secret"  # a throwaway secret for the bench's own tenant
ERP_SECRET = "bench-erp-event-secret"
API_VERSION = "2026-10"
TARGET_RATE = 1000.0
TARGET_P99_MS = 50.0


# --- webhooks ----------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """Shopify's X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 over the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def order_body(order_id: int, *, line_items: int = 6) -> dict[str, Any]:
    """An orders/create body of a realistic shape and size (about 2.5 KB at 6 lines)."""
    lines = [
        {
            "id": order_id * 100 + n,
            "variant_id": 40_000_000_000 + n,
            "product_id": 7_000_000_000 + n,
            "sku": f"SKU-{n:04d}",
            "title": f"Bench product {n}",
            "quantity": 1 + n % 3,
            "price": "19.99",
            "taxable": True,
            "tax_lines": [{"title": "VAT", "rate": 0.16, "price": "3.20"}],
            "discount_allocations": [],
        }
        for n in range(line_items)
    ]
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id % 1_000_000}",
        "email": "buyer@example.com",
        "created_at": "2026-01-15T10:00:00-05:00",
        "updated_at": "2026-01-15T10:00:00-05:00",
        "currency": "USD",
        "financial_status": "paid",
        "total_price": "139.93",
        "subtotal_price": "119.94",
        "total_tax": "19.19",
        "customer": {"id": 6_000_000_000, "email": "buyer@example.com", "first_name": "B"},
        "shipping_address": {"address1": "1 Main St", "city": "Ottawa", "country_code": "CA"},
        "shipping_lines": [{"title": "Standard", "price": "10.00", "code": "STD"}],
        "line_items": lines,
    }


def webhook_headers(
    body: bytes, *, webhook_id: str, shop: str = SHOP, secret: str = SECRET
) -> dict[str, str]:
    """Every header Shopify sends with a webhook, signed with ``secret``."""
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Hmac-Sha256": sign(body, secret),
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
        "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Event-Id": str(uuid.uuid4()),
    }


def raw_request(host: str, port: int, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 keep-alive POST /webhooks/shopify, ready for the socket."""
    lines = ["POST /webhooks/shopify HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --- the gateway process -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tenant_env(slug: str, secret: str) -> dict[str, str]:
    """The secrets of one tenant, as the gateway reads them from its environment."""
    upper = slug.upper().replace("-", "_")
    return {
        f"GATEWAY_TENANT_{upper}_SHOPIFY_SECRETS": secret,
        f"GATEWAY_TENANT_{upper}_ERP_SECRETS": ERP_SECRET,
    }


@dataclass
class GatewayProcess:
    """``python -m gateway`` with one tenant, its log in ``workdir``; stop() on SIGTERM."""

    bootstrap: str
    workdir: Path
    tenant: str = TENANT
    shop: str = SHOP
    secret: str = SECRET
    log_level: str = "INFO"
    profile_to: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / "gateway.log"

    def env(self) -> dict[str, str]:
        tenants = self.workdir / "tenants.toml"
        tenants.write_text(f'[tenants.{self.tenant}]\nshop_domain = "{self.shop}"\n')
        env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
        env.update(
            KAFKA_BOOTSTRAP_SERVERS=self.bootstrap,
            GATEWAY_HTTP_HOST="127.0.0.1",
            GATEWAY_HTTP_PORT=str(self.port),
            GATEWAY_TENANTS_FILE=str(tenants),
            LOG_LEVEL=self.log_level,
            LOG_JSON="true",
            **tenant_env(self.tenant, self.secret),
        )
        env.update(self.extra_env)
        return env

    async def start(self, ready_within: float = 60.0) -> None:
        profile = ["-m", "cProfile", "-o", str(self.profile_to)] if self.profile_to else []
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                *profile,
                "-m",
                "gateway",
                env=self.env(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + ready_within
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                if self.proc.returncode is not None:
                    msg = f"gateway exited ({self.proc.returncode}):\n{self.tail()}"
                    raise RuntimeError(msg)
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.base_url}/ready")).status_code == 200:
                        return
                if time.monotonic() > deadline:
                    await self.stop()
                    msg = f"gateway not ready in {ready_within}s:\n{self.tail()}"
                    raise TimeoutError(msg)
                await asyncio.sleep(0.2)

    async def stop(self, within: float = 30.0) -> int | None:
        if self.proc is None or self.proc.returncode is not None:
            return self.proc.returncode if self.proc else None
        # uvicorn re-raises the signal after its graceful shutdown: SIGINT becomes a
        # KeyboardInterrupt that lets cProfile write its file, SIGTERM would not.
        self.proc.send_signal(signal.SIGINT if self.profile_to else signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        return self.proc.returncode

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def cpu_s(self) -> float:
        return _proc_cpu_s(self.proc.pid) if self.proc else 0.0


@contextlib.asynccontextmanager
async def running_gateway(bootstrap: str, **kwargs: Any) -> AsyncIterator[GatewayProcess]:
    """A ready gateway process in a temporary directory; SIGTERMed on the way out."""
    with tempfile.TemporaryDirectory(prefix="gateway-") as tmp:
        gateway = GatewayProcess(bootstrap=bootstrap, workdir=Path(tmp), **kwargs)
        await gateway.start()
        try:
            yield gateway
        finally:
            await gateway.stop()


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu_s(pid: int) -> float:
    """utime + stime of a process (and its reaped children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / _TICK


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- the load generator --------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; answers are read by Content-Length or chunks."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        if (at := lower.find(b"\r\ncontent-length:")) >= 0:
            end = lower.index(b"\r\n", at + 2)
            body = await self._reader.readexactly(int(lower[at + 17 : end]))
        elif b"chunked" in lower:
            body = await self._chunks()
        else:
            body = b""
        if b"\r\nconnection: close" in lower:
            self.close()
        return status, head + body

    async def _chunks(self) -> bytes:
        assert self._reader is not None
        parts = []
        while size := int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await self._reader.readexactly(size + 2))
        await self._reader.readuntil(b"\r\n")
        return b"".join(p[:-2] for p in parts)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


@dataclass
class Step:
    offered_per_s: float
    webhooks: int
    connections: int
    ok: int
    errors: dict[str, int]
    duration_s: float
    sustained_per_s: float
    latency_ms_p50: float
    latency_ms_p95: float
    latency_ms_p99: float
    latency_ms_max: float
    cpu_client_pct: float
    cpu_gateway_pct: float
    cpu_machine_pct: float
    client_cpu_us_per_request: float
    gateway_cpu_us_per_request: float
    meets_target: bool


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return round(values[0], 2) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[p - 1], 2)


async def drive(
    gateway: GatewayProcess,
    rate: float,
    count: int,
    *,
    connections: int,
    timeout_s: float = 10.0,
    label: str = "",
) -> Step:
    """Send ``count`` webhooks scheduled every 1/rate s; latency from the scheduled time."""
    host, port = "127.0.0.1", gateway.port
    run = uuid.uuid4().int % 10**12
    requests = []
    for i in range(count):
        body = json.dumps(order_body(run * 10**6 + i), separators=(",", ":")).encode()
        headers = webhook_headers(body, webhook_id=str(uuid.uuid4()), secret=gateway.secret)
        requests.append(raw_request(host, port, body, headers))
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    loop = asyncio.get_running_loop()

    async def dispatch(begin: float) -> None:
        for i in range(count):
            at = begin + i / rate
            if (delay := at - loop.time()) > 0:
                await asyncio.sleep(delay)
            queue.put_nowait((i, at))
            if label and i % max(1, int(rate)) == 0:
                _progress(label, i, count)
        for _ in range(connections):
            queue.put_nowait(None)

    async def work(conn: Connection) -> None:
        while (item := await queue.get()) is not None:
            i, at = item
            try:
                status, _ = await asyncio.wait_for(conn.request(requests[i]), timeout_s)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                outcomes[type(exc).__name__] += 1
                conn.close()
                continue
            latencies.append((loop.time() - at) * 1000)
            outcomes[str(status)] += 1

    conns = [Connection(host, port) for _ in range(connections)]
    cpu0, gw0, busy0 = time.process_time(), gateway.cpu_s(), _machine_busy()
    begin = loop.time() + 0.05
    await asyncio.gather(dispatch(begin), *(work(c) for c in conns))
    duration = loop.time() - begin
    cpu1, gw1, busy1 = time.process_time(), gateway.cpu_s(), _machine_busy()
    for c in conns:
        c.close()
    if label:
        _progress(label, count, count)
    ok = outcomes.pop("200", 0)
    latencies.sort()
    p99 = _pct(latencies, 99)
    sustained = ok / duration
    ncpu = os.cpu_count() or 1
    return Step(
        offered_per_s=rate,
        webhooks=count,
        connections=connections,
        ok=ok,
        errors=dict(outcomes),
        duration_s=round(duration, 3),
        sustained_per_s=round(sustained, 1),
        latency_ms_p50=_pct(latencies, 50),
        latency_ms_p95=_pct(latencies, 95),
        latency_ms_p99=p99,
        latency_ms_max=round(latencies[-1], 2) if latencies else 0.0,
        cpu_client_pct=round(100 * (cpu1 - cpu0) / duration, 1),
        cpu_gateway_pct=round(100 * (gw1 - gw0) / duration, 1),
        cpu_machine_pct=round(100 * ncpu * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1),
        client_cpu_us_per_request=round(1e6 * (cpu1 - cpu0) / count, 1),
        gateway_cpu_us_per_request=round(1e6 * (gw1 - gw0) / count, 1),
        meets_target=not outcomes and sustained >= 0.98 * rate and p99 < TARGET_P99_MS,
    )


def _progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


# --- the run -------------------------------------------------------------------------------


def _profile_top(path: Path, lines: int = 30) -> list[str]:
    """The gateway's functions by own time (cProfile), as text lines for the results."""
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(lines)
    return [line.rstrip() for line in out.getvalue().splitlines() if line.strip()][-lines - 1 :]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        profile = Path(tmp) / "gateway.prof" if args.profile else None
        async with running_gateway(
            bootstrap, log_level=args.log_level, profile_to=profile
        ) as gateway:
            warm = await drive(gateway, 100.0, args.warmup, connections=4, label="warm-up")
            if warm.errors:
                msg = f"warm-up failed: {warm.errors}\n{gateway.tail()}"
                raise RuntimeError(msg)
            steps: list[Step] = []
            for rate in args.rates:
                count = args.count or int(rate * args.seconds)
                steps.append(
                    await drive(
                        gateway,
                        rate,
                        count,
                        connections=args.connections,
                        label=f"{rate:g}/s",
                    )
                )
                await asyncio.sleep(args.pause)
        top = _profile_top(profile) if profile and profile.exists() else []
    best = max((s for s in steps if s.meets_target), key=lambda s: s.sustained_per_s, default=None)
    return {
        "steps": [asdict(s) for s in steps],
        "max_rate_meeting_target_per_s": best.offered_per_s if best else None,
        "target": {"rate_per_s": TARGET_RATE, "p99_ms": TARGET_P99_MS},
        "meets_target": any(s.meets_target and s.offered_per_s >= TARGET_RATE for s in steps),
        "body_bytes": len(json.dumps(order_body(1), separators=(",", ":"))),
        "client": "raw HTTP/1.1 over asyncio streams, requests pre-built and signed",
        "gateway_log_level": args.log_level,
        "profiled": bool(args.profile),
        "profile_top_by_own_time": top,
        "note": "load generator, gateway and Kafka share the machine's cores",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gateway",
        description="Sustained webhooks/s and latency of one gateway process (python -m "
        "gateway) on the real Kafka named by KAFKA_BOOTSTRAP_SERVERS, open-loop at fixed "
        "rates.",
    )
    parser.add_argument(
        "--rates",
        type=float,
        nargs="+",
        default=[250.0, 500.0, 1000.0, 1500.0],
        help="offered rates, webhooks/s, one step each",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each step")
    parser.add_argument("--count", type=int, default=0, help="webhooks per step (overrides)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--warmup", type=int, default=200, help="webhooks at 100/s first")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between steps")
    parser.add_argument("--log-level", default="INFO", help="the gateway's LOG_LEVEL")
    parser.add_argument("--profile", action="store_true", help="run the gateway in cProfile")
    parser.add_argument("--smoke", action="store_true", help="200 webhooks at 100/s, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rates, args.count, args.warmup, args.connections, args.pause = [100.0], 200, 20, 8, 0
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(sys.argv[1:] if argv is None else argv)
    result = asyncio.run(run(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for s in result["steps"]:
        print(
            f"{s['offered_per_s']:>6g}/s offered: {s['sustained_per_s']:>7} ok/s | p50 "
            f"{s['latency_ms_p50']} ms, p95 {s['latency_ms_p95']} ms, p99 "
            f"{s['latency_ms_p99']} ms | errors {s['errors'] or 0} | cpu gateway "
            f"{s['cpu_gateway_pct']}%, client {s['cpu_client_pct']}%, machine "
            f"{s['cpu_machine_pct']}%"
        )
    print(
        f"target {TARGET_RATE:g}/s at p99 < {TARGET_P99_MS:g} ms: "
        f"{'met' if result['meets_target'] else 'NOT met'} | highest step meeting it: "
        f"{result['max_rate_meeting_target_per_s']} | written to {args.out}"
    )
    return result


if __name__ == "__main__":
    main()
