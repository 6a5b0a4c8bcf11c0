"""Which shards this process owns: from SHARD_IDS + SHARD_COUNT, or from an ordinal
(SHARD_ORDINAL, e.g. a Kubernetes StatefulSet pod index given by the downward API) and
PROCESS_COUNT, shards spread round-robin. Nothing set = one process, every shard (the
count Discord recommends unless SHARD_COUNT says otherwise).

Errors are `SettingsError` with one line naming the setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.settings import SettingsError


@dataclass(frozen=True)
class ShardPlan:
    """`shard_ids` None = every shard of `shard_count` (None = Discord's recommendation)."""

    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def partial(self) -> bool:
        """Whether other processes must run the remaining shards."""
        return self.shard_ids is not None and len(self.shard_ids) != self.shard_count

    def owns(self, guild_id: int) -> bool:
        if self.shard_ids is None or self.shard_count is None:
            return True
        return (guild_id >> 22) % self.shard_count in self.shard_ids


def _int(env: Mapping[str, str], name: str, minimum: int) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def _parse_ids(raw: str) -> list[int]:
    ids: list[int] = []
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        try:
            if "-" in part[1:]:
                lo, hi = part.split("-", 1)
                ids.extend(range(int(lo), int(hi) + 1))
            else:
                ids.append(int(part))
        except ValueError:
            raise SettingsError(
                f"SHARD_IDS must list shard numbers like 0,1,2 or 0-3 (got {part!r})"
            ) from None
    return ids


def shard_plan(env: Mapping[str, str], *, is_sqlite: bool) -> ShardPlan:
    count = _int(env, "SHARD_COUNT", 1)
    raw_ids = env.get("SHARD_IDS", "").strip()
    ordinal = _int(env, "SHARD_ORDINAL", 0)
    processes = _int(env, "PROCESS_COUNT", 1)
    if raw_ids and (ordinal is not None or processes is not None):
        raise SettingsError("SHARD_IDS cannot be combined with SHARD_ORDINAL/PROCESS_COUNT")
    if raw_ids:
        if count is None:
            raise SettingsError("SHARD_IDS needs SHARD_COUNT (the total across all processes)")
        ids = _parse_ids(raw_ids)
        if not ids:
            raise SettingsError("SHARD_IDS lists no shard")
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise SettingsError(f"SHARD_IDS lists shard {twice[0]} more than once")
        if bad := [i for i in ids if not 0 <= i < count]:
            raise SettingsError(
                f"SHARD_IDS: shard {bad[0]} is out of range for SHARD_COUNT={count} "
                f"(shards are 0-{count - 1})"
            )
        plan = ShardPlan(count, tuple(sorted(ids)))
    elif ordinal is not None or processes is not None:
        if ordinal is None or processes is None:
            raise SettingsError("SHARD_ORDINAL and PROCESS_COUNT must be set together")
        if ordinal >= processes:
            raise SettingsError(
                f"SHARD_ORDINAL={ordinal} is out of range for PROCESS_COUNT={processes} "
                f"(0-{processes - 1})"
            )
        total = count if count is not None else processes
        if total < processes:
            raise SettingsError(
                f"SHARD_COUNT={total} is smaller than PROCESS_COUNT={processes}: "
                "some processes would own no shard"
            )
        plan = ShardPlan(total, tuple(range(ordinal, total, processes)))
    else:
        plan = ShardPlan(count, None)
    if plan.partial and is_sqlite:
        raise SettingsError(
            "SHARD_IDS/SHARD_ORDINAL: a process owning only some shards needs PostgreSQL "
            "(DATABASE_URL); SQLite serves one process"
        )
    return plan
