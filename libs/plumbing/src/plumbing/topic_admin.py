"""Creating the registered topics (and their DLQs) with their fixed partition counts."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from contracts import TOPICS, Topic
from contracts.topics import DLQ_PARTITIONS

from plumbing.logging import get_logger

log = get_logger("plumbing.topic_admin")

_NO_ERROR = 0
_TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[Topic] = TOPICS, *, replication_factor: int = 1
) -> list[str]:
    """Create what is missing; leave existing topics alone. Returns the names created."""
    wanted: dict[str, int] = {}
    for topic in topics:
        wanted[topic.name] = topic.partitions
        wanted[topic.dlq] = DLQ_PARTITIONS
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [NewTopic(name, wanted[name], replication_factor) for name in missing]
        )
        created: list[str] = []
        for name, code, *rest in response.topic_errors:
            if code == _NO_ERROR:
                created.append(name)
            elif code != _TOPIC_ALREADY_EXISTS:  # another instance won the race: fine
                msg = f"creating topic {name} failed with Kafka error {code}: {rest}"
                raise RuntimeError(msg)
        if created:
            log.info("topics.created", topics=created)
        return created
    finally:
        await admin.close()
