"""Sharding rules of Discord's gateway, as several bot processes meet them.

- IDENTIFY carries `shard: [shard_id, num_shards]`; a pair out of range closes 4010.
- A shard holding more guilds than Discord allows on one session closes 4011 (sharding
  required): Discord uses 2,500; the simulator's `guilds_per_shard` is configurable.
- `GET /gateway/bot` reports `shards` and `session_start_limit` (total, remaining,
  reset_after, max_concurrency).
- Identify concurrency: shards of one bucket (`shard_id % max_concurrency`) may identify
  once per 5 s; a client identifying faster is answered op 9 (Invalid Session, d=false), as
  Discord documents, and must identify again later. The window is configurable because
  tests cannot wait 5 s per shard; 0 disables the check.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

INVALID_SHARD = 4010
SHARDING_REQUIRED = 4011
DISCORD_IDENTIFY_WINDOW = 5.0
DISCORD_GUILDS_PER_SHARD = 2500
SESSION_STARTS_PER_DAY = 1000
DAY_MS = 86_400_000


def parse_shard(value: Any) -> tuple[int, int] | None:
    """The (shard_id, num_shards) of an IDENTIFY's `shard` field; None when invalid.
    Without the field the session is shard 0 of 1 (an unsharded bot)."""
    if value is None:
        return (0, 1)
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    shard_id, count = value
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (shard_id, count)):
        return None
    if count < 1 or not 0 <= shard_id < count:
        return None
    return (shard_id, count)


@dataclass
class IdentifyLimiter:
    """Per-bucket identify rate limit and the daily session-start budget."""

    max_concurrency: int = 16
    window: float = 0.0
    total: int = SESSION_STARTS_PER_DAY
    clock: Callable[[], float] = time.monotonic
    last: dict[int, float] = field(default_factory=dict)
    started: int = 0
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self._born = self.clock()

    def bucket(self, shard_id: int) -> int:
        return shard_id % self.max_concurrency

    def admit(self, shard_id: int) -> bool:
        """Whether shard `shard_id` may identify now; records the identify if so."""
        now = self.clock()
        bucket = self.bucket(shard_id)
        previous = self.last.get(bucket)
        if self.window > 0 and previous is not None and now - previous < self.window:
            self.violations.append(
                f"shard {shard_id} identified {now - previous:.2f} s after the previous "
                f"identify of bucket {bucket} (limit: one per {self.window:g} s)"
            )
            return False
        self.last[bucket] = now
        self.started += 1
        return True

    def session_start_limit(self) -> dict[str, int]:
        elapsed_ms = int((self.clock() - self._born) * 1000)
        return {
            "total": self.total,
            "remaining": max(0, self.total - self.started),
            "reset_after": max(0, DAY_MS - elapsed_ms),
            "max_concurrency": self.max_concurrency,
        }
