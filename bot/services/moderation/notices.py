"""Which DMs a member gets, per kind of notification, and how often.

Kinds: a solution was posted to your challenge (`solution`), your solution was accepted
(`accepted`), your solution helped someone (`helped`), a moderator hid or rejected your
entry (`moderation`). Each can be muted alone (/notifications); `dms:False` still mutes
them all, and DMs found closed are not tried (see notify.py).

Rate limit: at most one DM per member per kind per NOTICE_WINDOW. An event inside the
window is not sent but counted (`held`); the next DM of that kind says how many came
since, so a burst (ten "this helped me" in a minute, a moderator clearing out a spammer's
entries) is one DM now and one summary later, never ten pings. When no event of that kind
follows, a sweep (`due_held`, `claim_held`) sends the summary on its own once the window
has passed: a held event is never left untold. Nothing is lost by it:
/me and the challenge pages hold every event; a DM is only the nudge to look.
A member is never told about their own action (the challenge's author answering it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.db.models import MemberNotice
from bot.errors import Invalid
from bot.services.moderation.notify import dm_allowed

NOTICE_WINDOW = timedelta(minutes=15)
NOTICE_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "solution": "a solution is posted to your challenge",
        "accepted": "your solution is accepted",
        "helped": "your solution helped someone",
        "moderation": "a moderator hides or rejects your entry (with the reason)",
    }
)


@dataclass(frozen=True)
class Notice:
    """The answer to "may I DM this member about this now?"."""

    send: bool
    held: int = 0  # events of this kind held back since the last DM (to summarise)
    previous_sent_at: datetime | None = None  # restored if the DM then fails


_SKIP = Notice(False)


def _check(kind: str) -> None:
    if kind not in NOTICE_KINDS:
        raise Invalid(f"Unknown kind of notification: {kind}.")


async def claim_notice(
    db: Database,
    guild_id: int,
    user_id: int,
    kind: str,
    now: datetime,
    *,
    actor_id: int | None,
) -> Notice:
    """Decide and record in one transaction: send now (the window starts), hold (counted
    for the next DM's summary), or skip (their own action, muted, DMs off or closed)."""
    _check(kind)
    if actor_id is not None and actor_id == user_id:
        return _SKIP
    try:
        return await _claim(db, guild_id, user_id, kind, now)
    except IntegrityError:
        # Another event of this kind claimed the member's first DM at the same moment
        # (PostgreSQL): that one is sent; this one is held like any other in the window.
        return await _claim(db, guild_id, user_id, kind, now)


async def _claim(db: Database, guild_id: int, user_id: int, kind: str, now: datetime) -> Notice:
    async with db.sessions.begin() as s:
        if not await dm_allowed(s, guild_id, user_id, now):
            return _SKIP
        row = await s.scalar(
            select(MemberNotice)
            .where(
                MemberNotice.guild_id == guild_id,
                MemberNotice.user_id == user_id,
                MemberNotice.kind == kind,
            )
            .with_for_update()
        )
        if row is None:
            s.add(MemberNotice(guild_id=guild_id, user_id=user_id, kind=kind, last_sent_at=now))
            await s.flush()
            return Notice(True)
        if row.muted:
            return _SKIP
        last = row.last_sent_at
        if last is not None and now - last < NOTICE_WINDOW:
            row.held = (row.held or 0) + 1
            return Notice(False)
        held, row.held, row.last_sent_at = row.held or 0, 0, now
        return Notice(True, held, last)


@dataclass(frozen=True)
class HeldNotices:
    """Events of one kind held back for a member whose window has passed."""

    guild_id: int
    user_id: int
    kind: str


async def due_held(db: Database, now: datetime) -> list[HeldNotices]:
    """Members with held events whose window has passed and no event came to carry
    them: their summaries are due, oldest first (at most one row per member and kind,
    and each sweep clears what it sends)."""
    async with db.reader() as s:
        rows = await s.execute(
            select(MemberNotice.guild_id, MemberNotice.user_id, MemberNotice.kind)
            .where(
                MemberNotice.held > 0,
                MemberNotice.muted.is_(False),
                MemberNotice.last_sent_at <= now - NOTICE_WINDOW,
            )
            .order_by(MemberNotice.last_sent_at)
        )
        return [HeldNotices(g, u, k) for g, u, k in rows]


async def claim_held(db: Database, due: HeldNotices, now: datetime) -> Notice:
    """Claim a due summary in one transaction (another process or an event may have
    sent it meanwhile): send it now (the window starts again) or skip. A member who
    turned DMs off, or muted the kind, has nothing held any more."""
    async with db.sessions.begin() as s:
        row = await s.scalar(
            select(MemberNotice)
            .where(
                MemberNotice.guild_id == due.guild_id,
                MemberNotice.user_id == due.user_id,
                MemberNotice.kind == due.kind,
            )
            .with_for_update()
        )
        if row is None or not row.held:
            return _SKIP
        last = row.last_sent_at
        if last is not None and now - last < NOTICE_WINDOW:
            return _SKIP
        held = row.held
        row.held = 0
        if row.muted or not await dm_allowed(s, due.guild_id, due.user_id, now):
            return _SKIP
        row.last_sent_at = now
        return Notice(True, held, last)


async def release_notice(
    db: Database, guild_id: int, user_id: int, kind: str, notice: Notice
) -> None:
    """The DM a claim allowed was not delivered: the window did not start, and the held
    events are still to be summarised."""
    async with db.sessions.begin() as s:
        row = await s.get(MemberNotice, (guild_id, user_id, kind))
        if row is not None:
            row.last_sent_at = notice.previous_sent_at
            row.held = (row.held or 0) + notice.held


async def set_notice_kinds(
    db: Database, guild_id: int, user_id: int, wanted: Mapping[str, bool]
) -> None:
    """Mute (False) or unmute (True) kinds of notification for this member here."""
    for kind in wanted:
        _check(kind)
    async with db.sessions.begin() as s:
        for kind, on in wanted.items():
            row = await s.get(MemberNotice, (guild_id, user_id, kind))
            if row is None:
                s.add(MemberNotice(guild_id=guild_id, user_id=user_id, kind=kind, muted=not on))
            else:
                row.muted = not on


async def notice_kinds(db: Database, guild_id: int, user_id: int) -> dict[str, bool]:
    """Each kind -> whether the member wants it (the master switch aside)."""
    async with db.reader() as s:
        rows = await s.scalars(
            select(MemberNotice).where(
                MemberNotice.guild_id == guild_id, MemberNotice.user_id == user_id
            )
        )
        muted = {r.kind for r in rows if r.muted}
    return {kind: kind not in muted for kind in NOTICE_KINDS}
