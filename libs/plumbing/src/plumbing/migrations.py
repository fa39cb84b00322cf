"""Plain ``.sql`` migrations, applied once, in order, safely under concurrent start.

Every instance of a service runs ``migrate`` at start. A session-level advisory lock
makes the others wait while one applies; they then find nothing left to do. Each file
runs in its own transaction with its bookkeeping row, and a file changed after it was
applied is refused (by checksum) rather than silently ignored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from plumbing.db import Connection
from plumbing.logging import get_logger

_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# pg_advisory_lock takes a bigint; any fixed value unique to this purpose will do.
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"shopsync.migrations").digest()[:8], "big", signed=True)
PLUMBING_MIGRATIONS = Path(__file__).parent / "migrations"

log = get_logger("plumbing.migrations")


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    name: str  # "<namespace>/<file>"
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load(namespace: str, directory: Path) -> list[Migration]:
    """The migrations in ``directory``, ordered by their four-digit prefix."""
    if not directory.is_dir():
        msg = f"migrations directory {directory} does not exist"
        raise MigrationError(msg)
    files = sorted(p for p in directory.iterdir() if p.suffix == ".sql")
    for path in files:
        if not _FILE.fullmatch(path.name):
            msg = f"{path.name}: migration files are named NNNN_snake_case.sql"
            raise MigrationError(msg)
    prefixes = [p.name[:4] for p in files]
    if len(set(prefixes)) != len(prefixes):
        msg = f"{directory}: two migrations share a number"
        raise MigrationError(msg)
    return [Migration(f"{namespace}/{p.name}", p.read_text(encoding="utf-8")) for p in files]


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name       text PRIMARY KEY,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def migrate(conn: Connection, migrations: Sequence[Migration]) -> list[str]:
    """Apply what is pending; return the names applied by this call."""
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(_BOOKKEEPING)
        done = {
            r["name"]: r["checksum"]
            for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")
        }
        for migration in migrations:
            if migration.name in done:
                if done[migration.name] != migration.checksum:
                    msg = (
                        f"{migration.name} changed after it was applied; add a new "
                        "migration instead of editing an applied one"
                    )
                    raise MigrationError(msg)
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)",
                    migration.name,
                    migration.checksum,
                )
            applied_now.append(migration.name)
            log.info("migration.applied", migration=migration.name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    return applied_now


async def migrate_service(pool: asyncpg.Pool, namespace: str, directory: Path) -> list[str]:
    """Plumbing's own tables (the inbox), then the service's."""
    migrations = [*load("plumbing", PLUMBING_MIGRATIONS), *load(namespace, directory)]
    async with pool.acquire() as conn:
        return await migrate(conn, migrations)
