"""The weekly digest: preview, post now, scheduled delivery and catch-up.

Discord-free: posting goes through a `Publisher` (the discord implementation lives in
cogs/digest/publisher.py; tests may use their own). Exactly-once comes from the claimed
DigestPost row (bot.services.digest.state) plus deterministic per-part nonces.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.db import Database
from bot.errors import Conflict, Invalid
from bot.services.digest import state
from bot.services.digest.content import build_digest
from bot.services.digest.model import Digest
from bot.services.digest.period import Period, current_period, latest_due, period_from_key
from bot.services.guilds import GuildConfig, all_settings, get_settings

log = logging.getLogger("nexus.digest")

MAX_TRANSIENT_ATTEMPTS = 5
MAX_ATTEMPTS = 12
CATCH_UP_CONCURRENCY = 8
# A claim younger than this may belong to a live process that is posting right now: leave
# it alone (it is retried later) rather than race it, even though nonces would dedupe.
STALE_CLAIM = timedelta(seconds=90)

ErrorKind = Literal["gone", "forbidden", "transient"]


class PublishError(Exception):
    """Raised by a Publisher. gone/forbidden (404/403) count toward disabling the digest."""

    def __init__(self, kind: ErrorKind, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail

    @property
    def permanent(self) -> bool:
        return self.kind != "transient"


class Publisher(Protocol):
    def render(self, digest: Digest, *, quiet_note: bool) -> Sequence[object]:
        """The digest as message payloads (empty: post nothing)."""
        ...

    async def send(self, channel_id: int, part: object, *, nonce: str) -> int:
        """Post one payload with `nonce` (enforced); return the message id."""
        ...

    async def notify(self, channel_id: int, text: str) -> bool:
        """Tell moderators something in `channel_id`; False if that was impossible."""
        ...


Outcome = Literal["posted", "quiet", "taken", "skipped", "failed", "retry", "disabled"]


@dataclass(frozen=True)
class DeliveryResult:
    guild_id: int
    period: str
    outcome: Outcome
    message_ids: tuple[int, ...] = ()
    channel_id: int | None = None
    detail: str = ""
    start: datetime | None = None  # what the digest covered began here (None: not built)
    # An exception, not a refusal by Discord (e.g. the database connection was lost):
    # retried within seconds rather than minutes (bot.services.digest.schedule).
    error: bool = False


def _failure_text(cfg: GuildConfig, err: PublishError, disabled: bool) -> str:
    where = f"<#{cfg.digest_channel_id}>" if cfg.digest_channel_id else "the digest channel"
    what = (
        "that channel no longer exists"
        if err.kind == "gone"
        else "I'm missing permission to post there (View Channel, Send Messages, Embed Links)"
    )
    tail = (
        " I've switched the weekly digest off; turn it back on with /digest settings."
        if disabled
        else f" I'll retry; after {state.DISABLE_AFTER} failed attempts in a row the digest "
        "is switched off until someone fixes it with /digest settings or /setup."
    )
    return f"Nexus couldn't post the weekly digest in {where}: {what}.{tail}"


async def _deliver(
    db: Database,
    publisher: Publisher,
    cfg: GuildConfig,
    claim: state.Claim,
    digest: Digest,
    now: datetime,
) -> DeliveryResult:
    channel_id = cfg.digest_channel_id
    assert channel_id is not None
    # After a manual digest the week was not quiet: nothing new since then posts nothing
    # (neither a quiet-week note nor the standing list of open challenges alone).
    if digest.since_digest is None:
        parts = publisher.render(digest, quiet_note=cfg.digest_quiet_note)
    else:
        parts = publisher.render(digest, quiet_note=False) if digest.has_news else ()
    base = DeliveryResult(
        cfg.guild_id, claim.period, "posted", channel_id=channel_id, start=digest.start
    )
    if not parts:
        note = "nothing new since the last digest" if digest.since_digest else "quiet week"
        await state.mark_posted(db, claim, [], now, note=f"{note}: nothing posted")
        return replace(base, outcome="quiet")
    ids = list(claim.message_ids)
    try:
        for index, part in enumerate(parts):
            if index < len(ids):
                continue  # posted by an earlier attempt (recorded): never send again
            ids.append(await publisher.send(channel_id, part, nonce=claim.nonce(index)))
            if index + 1 < len(parts):
                await state.record_part(db, claim, ids)
    except PublishError as err:
        if ids:
            await state.record_part(db, claim, ids)
        return await _failed(db, publisher, cfg, claim, err)
    await state.mark_posted(db, claim, ids, now)
    return replace(base, message_ids=tuple(ids))


async def _failed(
    db: Database, publisher: Publisher, cfg: GuildConfig, claim: state.Claim, err: PublishError
) -> DeliveryResult:
    if not err.permanent:
        if claim.attempts >= MAX_TRANSIENT_ATTEMPTS:
            await state.give_up(db, claim, f"gave up: {err.detail}")
            return DeliveryResult(
                cfg.guild_id, claim.period, "skipped", detail=f"gave up: {err.detail}"
            )
        await state.mark_failed(db, claim, err.detail, counts=False)
        log.warning(
            "digest for guild %s (%s) hit a transient error: %s",
            cfg.guild_id,
            claim.period,
            err.detail,
        )
        return DeliveryResult(cfg.guild_id, claim.period, "retry", detail=err.detail)
    reason = (
        "digest channel is gone"
        if err.kind == "gone"
        else "missing permission in the digest channel"
    )
    outcome = await state.mark_failed(
        db,
        claim,
        err.detail,
        counts=True,
        disable_reason=f"{reason} ({state.DISABLE_AFTER} failed attempts)",
    )
    if outcome.notify or outcome.disabled:
        text = _failure_text(cfg, err, outcome.disabled)
        told = False
        if outcome.notify and cfg.mod_log_channel_id:
            try:
                told = await publisher.notify(cfg.mod_log_channel_id, text)
            except PublishError:
                told = False
        if not told:
            log.warning("guild %s: %s", cfg.guild_id, text)
    kind: Outcome = "disabled" if outcome.disabled else "failed"
    return DeliveryResult(cfg.guild_id, claim.period, kind, detail=err.detail)


async def _since(
    db: Database, guild_id: int, period: Period, until: datetime, key: str
) -> datetime:
    """Where digest `key` of `period` ending at `until` starts: the period's start, or the
    end of the last other manual digest up to `until` (one being posted right now covers
    its part too)."""
    ends = await state.manual_ends(db, guild_id, period.start, until, other_than=key)
    return max(ends, default=period.start)


async def _build(db: Database, cfg: GuildConfig, period: Period, end: datetime, key: str) -> Digest:
    start = await _since(db, cfg.guild_id, period, end, key)
    digest = await build_digest(db, cfg.guild_id, start, end, key, cfg.timezone)
    return replace(digest, since_digest=start) if start > period.start else digest


async def run_period(
    db: Database,
    publisher: Publisher,
    guild_id: int,
    period_key: str,
    *,
    now: datetime,
    trigger: str = state.SCHEDULE,
    grace: timedelta | None = None,
) -> DeliveryResult:
    """Claim and post one period's digest; nothing happens if the period is taken."""
    cfg = await get_settings(db, guild_id)
    period = period_from_key(period_key, cfg.digest_hour, cfg.zone)
    if not cfg.digest_enabled or cfg.digest_channel_id is None:
        return DeliveryResult(guild_id, period_key, "skipped", detail="digest off or no channel")
    if grace is not None and now - period.end > grace:
        return DeliveryResult(guild_id, period_key, "skipped", detail="outside grace")
    claim = await state.claim(db, guild_id, period_key, trigger, now)
    if claim is None:
        return DeliveryResult(guild_id, period_key, "taken")
    digest = await _build(db, cfg, period, min(period.end, now), period_key)
    return await _deliver(db, publisher, cfg, claim, digest, now)


async def resume(
    db: Database,
    publisher: Publisher,
    guild_id: int,
    period_key: str,
    *,
    now: datetime,
    grace: timedelta,
) -> DeliveryResult:
    """Retry an unfinished or failed digest (same nonces, same window), if within grace."""
    cfg = await get_settings(db, guild_id)
    period = period_from_key(state.base_period(period_key), cfg.digest_hour, cfg.zone)
    if not cfg.digest_enabled or cfg.digest_channel_id is None:
        return DeliveryResult(guild_id, period_key, "skipped", detail="digest off or no channel")
    end = min(period.end, now)
    if period_key != period.key:  # a manual digest ends where it was claimed
        post = await state.get_post(db, guild_id, period_key)
        if post is None:
            return DeliveryResult(guild_id, period_key, "taken")
        end = post.created_at
    claim = await state.reclaim(db, guild_id, period_key)
    if claim is None:
        return DeliveryResult(guild_id, period_key, "taken")
    if now - min(period.end, end) > grace:
        await state.give_up(db, claim, "missed: outside the catch-up grace")
        return DeliveryResult(guild_id, period_key, "skipped", detail="outside grace")
    digest = await _build(db, cfg, period, end, period_key)
    return await _deliver(db, publisher, cfg, claim, digest, now)


async def retry(
    db: Database,
    publisher: Publisher,
    guild_id: int,
    period_key: str | None,
    *,
    now: datetime,
    grace: timedelta,
) -> DeliveryResult:
    """Try a period again after a failure: resume its row if one was claimed, else claim it
    now (an exception, e.g. a lost database connection, may have come before the claim).
    `period_key` None: the period that came due last (the job failed before knowing it)."""
    if period_key is None:
        cfg = await get_settings(db, guild_id)
        period_key = latest_due(now, cfg.digest_weekday, cfg.digest_hour, cfg.zone).key
    if await state.get_post(db, guild_id, period_key) is None:
        if period_key != state.base_period(period_key):
            return DeliveryResult(guild_id, period_key, "taken")  # a manual one never claimed
        return await run_period(db, publisher, guild_id, period_key, now=now, grace=grace)
    return await resume(db, publisher, guild_id, period_key, now=now, grace=grace)


async def run_due(
    db: Database, publisher: Publisher, guild_id: int, *, now: datetime, grace: timedelta
) -> DeliveryResult:
    """What a scheduled job does: post the period that has just come due."""
    cfg = await get_settings(db, guild_id)
    period = latest_due(now, cfg.digest_weekday, cfg.digest_hour, cfg.zone)
    return await run_period(db, publisher, guild_id, period.key, now=now, grace=grace)


async def preview(db: Database, guild_id: int, now: datetime) -> Digest:
    """What the next digest would show so far (ephemeral preview; nothing is claimed)."""
    cfg = await get_settings(db, guild_id)
    period = current_period(now, cfg.digest_weekday, cfg.digest_hour, cfg.zone)
    return await _build(db, cfg, period, now, period.key)


async def post_now(
    db: Database, publisher: Publisher, guild_id: int, *, now: datetime
) -> DeliveryResult:
    """/digest now: post what is new since the last digest, up to now. The scheduled digest
    of this week then covers only what comes after it (see bot.services.digest.state)."""
    cfg = await get_settings(db, guild_id)
    if cfg.digest_channel_id is None:
        raise Invalid("No digest channel is set: pick one with /digest settings channel:.")
    period = current_period(now, cfg.digest_weekday, cfg.digest_hour, cfg.zone)
    existing = await state.get_post(db, guild_id, period.key)
    if existing is not None and existing.status in (state.POSTED, state.CLAIMED):
        raise Conflict(_already_text(existing))
    digest = await _build(db, cfg, period, now, period.key)
    if digest.since_digest is not None and not digest.has_news:
        raise Invalid(
            "Nothing new since the last digest "
            f"({_when(digest.since_digest, cfg)}): there is nothing to post."
        )
    if digest.is_empty and not cfg.digest_quiet_note:
        raise Invalid("Nothing to post yet this week, and the quiet-week note is off.")
    taken = len(await state.manual_posts(db, guild_id, period.key))
    key = state.manual_key(period.key, taken + 1)
    claim = await state.claim(db, guild_id, key, state.MANUAL, now)
    if claim is None:
        raise Conflict("A digest is being posted right now; try again in a minute.")
    return await _deliver(db, publisher, cfg, claim, replace(digest, period_key=key), now)


def _when(moment: datetime, cfg: GuildConfig) -> str:
    return f"{moment.astimezone(cfg.zone):%a %d %b %H:%M} {cfg.timezone}"


def _already_text(post: state.PostState) -> str:
    if post.status == state.CLAIMED:
        return "This week's digest is being posted right now."
    when = f" on {post.posted_at:%a %d %b %H:%M} UTC" if post.posted_at else ""
    return f"This week's digest was already posted{when}; the next one comes next week."


async def catch_up(
    db: Database,
    publisher: Publisher,
    *,
    now: datetime,
    grace: timedelta,
    concurrency: int = CATCH_UP_CONCURRENCY,
    owns: Callable[[int], bool] | None = None,
) -> list[DeliveryResult]:
    """On start: finish interrupted digests and post ones missed while the bot was down.

    Only the latest due period of each server is considered, and only within `grace`;
    older misses are skipped. Servers run concurrently but bounded, each independently.
    """
    configs = {
        c.guild_id: c
        for c in await all_settings(db)
        if c.digest_enabled
        and c.digest_channel_id is not None
        and (owns is None or owns(c.guild_id))  # this process's servers only
    }
    due = {
        gid: latest_due(now, c.digest_weekday, c.digest_hour, c.zone) for gid, c in configs.items()
    }
    since = await state.settings_since(db)
    # Within grace, and the server was already set up when that digest was due.
    due = {
        gid: p for gid, p in due.items() if now - p.end <= grace and since.get(gid, p.end) < p.end
    }
    jobs: list[tuple[int, str, bool]] = []  # (guild, period, resume?)
    later: list[DeliveryResult] = []
    for post in await state.unfinished(db):
        if post.guild_id not in configs:
            continue
        if now - post.created_at < STALE_CLAIM:
            later.append(
                DeliveryResult(
                    post.guild_id, post.period, "retry", detail="claimed moments ago by another run"
                )
            )
        else:
            jobs.append((post.guild_id, post.period, True))
    if due:
        low = min((p.end - timedelta(days=8)).date().isoformat() for p in due.values())
        high = max(p.key for p in due.values())
        rows: dict[int, list[state.PostState]] = {}
        for post in await state.posts_between(db, low, high):
            rows.setdefault(post.guild_id, []).append(post)
        for gid, period in due.items():
            previous = (period.start.astimezone(configs[gid].zone)).date().isoformat()
            mine = [r for r in rows.get(gid, []) if r.period == period.key]
            # A digest posted in between (e.g. the weekday changed) already covered the week.
            between = [
                r
                for r in rows.get(gid, [])
                if previous < r.period < period.key
                and r.status == state.POSTED
                and r.trigger != state.MANUAL  # a manual digest covers only its own part
            ]
            if mine:
                if mine[0].status == state.FAILED and mine[0].attempts < MAX_ATTEMPTS:
                    jobs.append((gid, period.key, True))
            elif not between:
                jobs.append((gid, period.key, False))
    gate = asyncio.Semaphore(concurrency)

    async def one(gid: int, key: str, is_resume: bool) -> DeliveryResult:
        async with gate:
            try:
                if is_resume:
                    return await resume(db, publisher, gid, key, now=now, grace=grace)
                return await run_period(
                    db, publisher, gid, key, now=now, trigger=state.CATCH_UP, grace=grace
                )
            except Exception as exc:  # one server's failure never stops the others
                log.exception("digest catch-up failed for guild %s", gid)
                return DeliveryResult(gid, key, "retry", detail=type(exc).__name__, error=True)

    unique = list({(gid, key): (gid, key, again) for gid, key, again in reversed(jobs)}.values())
    return later + list(await asyncio.gather(*(one(*j) for j in unique)))
