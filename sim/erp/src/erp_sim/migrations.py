"""The sim's own migration runner: ``migrations/NNNN_*.sql`` in order, each applied once.

One transaction per file, recorded in ``erp_sim_migrations``; a transaction-level
advisory lock makes several processes starting on one database take turns.
"""

from __future__ import annotations

import re
from pathlib import Path

from erp_sim.db import Conn

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK = 0x45525053  # "ERPS"; second key 0 is the migration lock


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """The files to apply, in number order; refuses two files with one number."""
    files = sorted(p for p in directory.iterdir() if _NAME.match(p.name))
    numbers = [p.name[:4] for p in files]
    if len(numbers) != len(set(numbers)):
        raise ValueError(f"two migrations share a number in {directory}")
    return files


async def migrate(conn: Conn, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Applies what is missing; returns the names applied now."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1::int, 0)", _LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS erp_sim_migrations ("
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
    applied: list[str] = []
    for path in migration_files(directory):
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1::int, 0)", _LOCK)
            done = await conn.fetchval(
                "SELECT 1 FROM erp_sim_migrations WHERE name = $1", path.name
            )
            if done:
                continue
            await conn.execute(path.read_text(encoding="utf-8"))
            await conn.execute("INSERT INTO erp_sim_migrations (name) VALUES ($1)", path.name)
            applied.append(path.name)
    return applied
