"""Exactly-once delivery state: the unique (guild, period) DigestPost row.

A digest is claimed in its own transaction BEFORE anything is posted; whoever inserts the
row owns the period and everyone else (a second process, a second CronTrigger run in a
repeated fall-back hour) backs off.

A manual digest (/digest now) is a row of its own, keyed `<period>@<n>` (n = 1, 2, ... in
that period; two moderators racing for the same n: one claim wins, the other is told it is
being posted). It covers from the end of the digest before it in the period to the moment
it was claimed (its created_at), and the scheduled digest of the period covers only what
came after the last manual one: every entry is in exactly one digest. A claimed row that
never reached "posted" (a crash mid-post) is taken over with an optimistic UPDATE on
`attempts`, and reposted with the same per-part nonces so Discord drops what already went
out; parts whose message ids were recorded are not sent again at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import DigestPost, GuildSettings

CLAIMED, POSTED, FAILED = "claimed", "posted", "failed"
SCHEDULE, MANUAL, CATCH_UP = "schedule", "manual", "catchup"
DISABLE_AFTER = 3
NONCE_MAX = 25
MANUAL_SEP = "@"


def manual_key(period: str, n: int) -> str:
    return f"{period}{MANUAL_SEP}{n}"


def base_period(key: str) -> str:
    """The scheduled period a (manual) digest key belongs to."""
    return key.split(MANUAL_SEP, 1)[0]


def nonce_for(guild_id: int, period: str, part: int) -> str:
    """Deterministic message nonce (Discord allows 25 characters)."""
    digest = hashlib.sha256(f"nexus-digest:{guild_id}:{period}:{part}".encode()).hexdigest()
    return ("dg" + digest)[:NONCE_MAX]


@dataclass(frozen=True)
class Claim:
    """Ownership of one (guild, period) digest for one attempt."""

    guild_id: int
    period: str
    trigger: str
    attempts: int
    message_ids: tuple[int, ...]
    post_id: int

    def nonce(self, part: int) -> str:
        return nonce_for(self.guild_id, self.period, part)


@dataclass(frozen=True)
class PostState:
    guild_id: int
    period: str
    status: str
    trigger: str
    attempts: int
    message_ids: tuple[int, ...]
    error: str | None
    posted_at: datetime | None
    created_at: datetime


def _state(row: DigestPost) -> PostState:
    return PostState(
        row.guild_id,
        row.period,
        row.status,
        row.trigger,
        row.attempts,
        tuple(int(m) for m in row.message_ids or ()),
        row.error,
        row.posted_at,
        row.created_at,
    )


async def claim(
    db: Database, guild_id: int, period: str, trigger: str, now: datetime
) -> Claim | None:
    """Insert the period's row; None if any row for (guild, period) already exists."""
    try:
        async with db.sessions.begin() as s:
            row = DigestPost(
                guild_id=guild_id,
                period=period,
                status=CLAIMED,
                trigger=trigger,
                nonce=nonce_for(guild_id, period, 0),
                message_ids=[],
                attempts=1,
                created_at=now,
            )
            s.add(row)
            await s.flush()
            return Claim(guild_id, period, trigger, 1, (), row.id)
    except IntegrityError:
        return None


async def reclaim(
    db: Database, guild_id: int, period: str, *, statuses: tuple[str, ...] = (CLAIMED, FAILED)
) -> Claim | None:
    """Take over an unfinished row (crash mid-post, or an earlier failure) exactly once."""
    async with db.sessions.begin() as s:
        row = await s.scalar(
            select(DigestPost).where(DigestPost.guild_id == guild_id, DigestPost.period == period)
        )
        if row is None or row.status not in statuses:
            return None
        seen = row.attempts
        result = await s.execute(
            update(DigestPost)
            .where(
                DigestPost.id == row.id,
                DigestPost.attempts == seen,
                DigestPost.status.in_(statuses),
            )
            .values(attempts=seen + 1, status=CLAIMED)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return Claim(
            guild_id,
            period,
            row.trigger,
            seen + 1,
            tuple(int(m) for m in row.message_ids or ()),
            row.id,
        )


async def record_part(db: Database, claim: Claim, message_ids: list[int]) -> None:
    """Remember what has been posted so far, so a retry never sends those parts again."""
    async with db.sessions.begin() as s:
        await s.execute(
            update(DigestPost)
            .where(DigestPost.id == claim.post_id)
            .values(message_ids=list(message_ids))
        )


async def mark_posted(
    db: Database, claim: Claim, message_ids: list[int], now: datetime, note: str | None = None
) -> None:
    """Posted: also resets the server's consecutive-failure counter."""
    async with db.sessions.begin() as s:
        await s.execute(
            update(DigestPost)
            .where(DigestPost.id == claim.post_id)
            .values(status=POSTED, message_ids=list(message_ids), posted_at=now, error=note)
        )
        await s.execute(
            update(GuildSettings)
            .where(GuildSettings.guild_id == claim.guild_id, GuildSettings.digest_failures != 0)
            .values(digest_failures=0)
        )


@dataclass(frozen=True)
class FailureOutcome:
    failures: int
    notify: bool  # first failure of a streak: tell the moderators (once)
    disabled: bool  # this failure switched the digest off


async def mark_failed(
    db: Database, claim: Claim, error: str, *, counts: bool, disable_reason: str | None = None
) -> FailureOutcome:
    """Record a failed attempt; `counts` (403/404) advances the server's failure streak."""
    async with db.sessions.begin() as s:
        await s.execute(
            update(DigestPost)
            .where(DigestPost.id == claim.post_id)
            .values(status=FAILED if counts else CLAIMED, error=error[:300])
        )
        if not counts:
            return FailureOutcome(0, False, False)
        cfg = await s.get(GuildSettings, claim.guild_id, with_for_update=True)
        if cfg is None:
            return FailureOutcome(0, False, False)
        cfg.digest_failures = (cfg.digest_failures or 0) + 1
        disabled = cfg.digest_enabled and cfg.digest_failures >= DISABLE_AFTER
        if disabled:
            cfg.digest_enabled = False
            cfg.digest_disabled_reason = (disable_reason or error)[:200]
        return FailureOutcome(cfg.digest_failures, cfg.digest_failures == 1, disabled)


async def give_up(db: Database, claim: Claim, error: str) -> None:
    """Stop retrying this period (out of grace or attempts); keeps the row as 'failed'."""
    async with db.sessions.begin() as s:
        await s.execute(
            update(DigestPost)
            .where(DigestPost.id == claim.post_id)
            .values(status=FAILED, error=error[:300])
        )


async def get_post(db: Database, guild_id: int, period: str) -> PostState | None:
    async with db.reader() as s:
        row = await s.scalar(
            select(DigestPost).where(DigestPost.guild_id == guild_id, DigestPost.period == period)
        )
        return None if row is None else _state(row)


async def posts_between(db: Database, low: str, high: str) -> list[PostState]:
    """Rows whose period key is in [low, high] (ISO dates sort as strings), all servers."""
    async with db.reader() as s:
        rows = await s.scalars(
            select(DigestPost).where(DigestPost.period >= low, DigestPost.period <= high)
        )
        return [_state(r) for r in rows]


async def manual_posts(db: Database, guild_id: int, period: str) -> list[PostState]:
    """The manual digests of one period (every status), oldest first."""
    prefix = manual_key(period, 0)[:-1]
    async with db.reader() as s:
        rows = await s.scalars(
            select(DigestPost)
            .where(DigestPost.guild_id == guild_id, DigestPost.period.startswith(prefix))
            .order_by(DigestPost.created_at, DigestPost.id)
        )
        return [_state(r) for r in rows]


async def manual_ends(
    db: Database, guild_id: int, after: datetime, until: datetime, *, other_than: str = ""
) -> list[datetime]:
    """Where the manual digests claimed in (after, until] end: their claim times (claimed
    or posted; a failed one covered nothing). By time, not key: a settings change that
    moves the weekday does not make a manual digest's entries count twice."""
    async with db.reader() as s:
        rows = await s.scalars(
            select(DigestPost.created_at).where(
                DigestPost.guild_id == guild_id,
                DigestPost.trigger == MANUAL,
                DigestPost.status != FAILED,
                DigestPost.period != other_than,
                DigestPost.created_at > after,
                DigestPost.created_at <= until,
            )
        )
        return list(rows)


async def settings_since(db: Database) -> dict[int, datetime]:
    """When each server's settings row was created (it was not "missed" before that)."""
    async with db.reader() as s:
        rows = await s.execute(select(GuildSettings.guild_id, GuildSettings.created_at))
        return {int(g): t for g, t in rows.all()}


async def unfinished(db: Database) -> list[PostState]:
    """Claimed rows that never reached 'posted' (a crash or a transient error)."""
    async with db.reader() as s:
        rows = await s.scalars(select(DigestPost).where(DigestPost.status == CLAIMED))
        return [_state(r) for r in rows]
