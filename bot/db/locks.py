"""PostgreSQL advisory locks that serialise start-up work across processes.

Several bot processes on one database start at once (docker compose, a Kubernetes
StatefulSet) and each upgrades the schema and seeds the concepts first. Each of those
runs in one transaction that begins with `pg_advisory_xact_lock(key)`: the others wait,
then find the work done. The lock is released with the transaction, also when a process
dies. SQLite serves one process and has its own write lock: nothing to do there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

# Arbitrary, fixed 64-bit keys, one per kind of work (b"nexus" + a number).
MIGRATE = 0x6E65787573_0001
SEED = 0x6E65787573_0002

_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


async def hold_for_transaction(conn: Any, key: int) -> None:
    """On PostgreSQL, wait for and hold `key` until `conn`'s transaction ends (an
    AsyncConnection or AsyncSession in a transaction); elsewhere, nothing."""
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name == "postgresql":
        await conn.execute(_LOCK, {"key": key})
