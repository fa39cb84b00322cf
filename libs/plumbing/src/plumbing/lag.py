"""Consumer lag per topic-partition, measured from outside the consumer.

Lag is the log end offset minus the group's committed offset. Reading both from the
broker (not from the consumer's own position) keeps the gauge honest when the consumer
is stuck, crashed or not running at all, which is exactly when an SRE looks at it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from plumbing.logging import get_logger
from plumbing.metrics import ConsumerMetrics

log = get_logger("plumbing.lag")


class LagMonitor:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[str],
        metrics: ConsumerMetrics,
        interval_s: float = 5.0,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self.group_id = group_id
        self._topics = list(topics)
        self._metrics = metrics
        self._interval = interval_s
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        await self._admin.start()
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap, enable_auto_commit=False
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._loop(), name=f"lag:{self.group_id}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()

    async def _loop(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as exc:  # the gauge keeps its last value; say why
                log.warning("lag.refresh_failed", group=self.group_id, error=repr(exc))
            await asyncio.sleep(self._interval)

    async def refresh(self) -> dict[TopicPartition, int]:
        """Read end and committed offsets once and set the gauge; returns the lags."""
        if self._admin is None or self._consumer is None:
            msg = "call start() first"
            raise RuntimeError(msg)
        partitions = [
            TopicPartition(described["topic"], p["partition"])
            for described in await self._admin.describe_topics(self._topics)
            if described["error_code"] == 0  # a topic not created yet has no lag
            for p in sorted(described["partitions"], key=lambda p: int(p["partition"]))
        ]
        if not partitions:
            return {}
        ends = await self._consumer.end_offsets(partitions)
        committed = await self._admin.list_consumer_group_offsets(self.group_id)
        missing = [tp for tp in partitions if tp not in committed]
        starts = await self._consumer.beginning_offsets(missing) if missing else {}
        lags: dict[TopicPartition, int] = {}
        for tp in partitions:
            base = committed[tp].offset if tp in committed else starts[tp]
            lags[tp] = max(0, ends[tp] - base)
            self._metrics.lag.labels(self.group_id, tp.topic, str(tp.partition)).set(lags[tp])
        return lags
