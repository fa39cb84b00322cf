"""Shared fixtures: real Kafka and Postgres, from the environment or testcontainers.

Order of preference: ``KAFKA_BOOTSTRAP_SERVERS`` / ``DATABASE_URL`` (what ``make test``
exports after starting the servers), then testcontainers where a Docker engine answers.
Without either a test that needs a server is skipped on a laptop and FAILS in CI
(``CI`` set): a skipped integration test proves nothing.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

REPO = Path(__file__).resolve().parent.parent
_MARKERS = {"unit", "integration", "e2e", "contract"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by its folder so ``-m unit`` and friends select by kind."""
    for item in items:
        folder = Path(str(item.fspath)).relative_to(REPO / "tests").parts[0]
        if folder in _MARKERS:
            item.add_marker(getattr(pytest.mark, folder))


def _unavailable(what: str) -> None:
    message = (
        f"{what} is not available: set it in the environment (make test does) or run a "
        "Docker engine for testcontainers"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


def _docker_engine() -> bool:
    try:
        import docker  # noqa: PLC0415 - only when no server is configured

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield servers
        return
    if not _docker_engine():
        _unavailable("KAFKA_BOOTSTRAP_SERVERS")
    from testcontainers.kafka import KafkaContainer  # noqa: PLC0415

    with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka:
        yield kafka.get_bootstrap_server()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    if not _docker_engine():
        _unavailable("DATABASE_URL")
    from testcontainers.postgres import PostgresContainer  # noqa: PLC0415

    with PostgresContainer("postgres:16", driver=None) as pg:
        yield pg.get_connection_url()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
async def fresh_db(database_url: str) -> AsyncIterator[str]:
    """A new, empty database for one test; dropped afterwards."""
    name = await _create_database(database_url)
    yield _with_database(database_url, name)
    await _drop_database(database_url, name)


DatabaseFactory = Callable[[], Awaitable[str]]


@pytest.fixture
async def fresh_dbs(database_url: str) -> AsyncIterator[DatabaseFactory]:
    """Makes as many new, empty databases as a test needs (a whole stack has several)."""
    names: list[str] = []

    async def create() -> str:
        names.append(await _create_database(database_url))
        return _with_database(database_url, names[-1])

    yield create
    for name in names:
        await _drop_database(database_url, name)


async def _create_database(database_url: str) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name


async def _drop_database(database_url: str, name: str) -> None:
    admin = await asyncpg.connect(database_url)
    try:
        for attempt in range(10):
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except asyncpg.InsufficientPrivilegeError:
                # An autovacuum worker in the database, and a role without
                # pg_signal_backend (deploy/postgres-init.sql grants it): it ends soon.
                if attempt == 9:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.close()


TopicFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def new_topic(kafka_bootstrap: str) -> AsyncIterator[TopicFactory]:
    """Creates uniquely named topics (and waits until they exist)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    created: list[str] = []

    async def create(prefix: str = "test", partitions: int = 3) -> str:
        name = f"{prefix}.{uuid.uuid4().hex[:10]}.v1"
        await admin.create_topics([NewTopic(name, partitions, 1)])
        created.append(name)
        return name

    yield create
    if created:  # with the DLQs the producers may have auto-created
        await admin.delete_topics(created + [f"{name}.dlq" for name in created])
    await admin.close()


@pytest.fixture
def shared_dir() -> Path:
    """The project's shared reference material (Shopify fixtures and schemas)."""
    path = Path(os.environ.get("SHARED_DIR", REPO.parent / "shared"))
    if not (path / "shopify").is_dir():
        _unavailable(f"the shared reference folder ({path})")
    return path
