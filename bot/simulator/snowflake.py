"""Snowflake ids and Discord-style timestamps."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1420070400000


class SnowflakeGenerator:
    """Timestamp-based, strictly increasing snowflakes (worker 1, process 0)."""

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F
        self._last_ms = 0
        self._increment = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            now = int(time.time() * 1000) - DISCORD_EPOCH_MS
            if now <= self._last_ms:
                self._increment += 1
                if self._increment >= 4096:
                    # Borrow from the next millisecond rather than repeat an id.
                    self._last_ms += 1
                    self._increment = 0
                now = self._last_ms
            else:
                self._last_ms = now
                self._increment = 0
            return (now << 22) | (self._worker << 17) | (self._process << 12) | self._increment


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso(dt: datetime) -> str:
    return dt.isoformat()


def now_iso() -> str:
    return datetime.now(tz=UTC).isoformat()
