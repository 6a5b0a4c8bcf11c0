"""What authors decide about their own entries: remove them (whoever saved them), and agree
or not that a capture from a private thread is published.

Removing erases the entry's text and marks it withdrawn: nobody sees it any more (not in
views, lists, search, the digest or the export; the author neither), moderators cannot
bring it back, and the row stays only so that the same message cannot be saved again.
Each removal is one transaction with one audit row, the author as its actor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import Challenge, Solution, Takeaway
from bot.db.types import EntryKind, Status
from bot.errors import Conflict, Invalid, NotFound
from bot.services import guilds
from bot.services.entries import STATUS_LABELS
from bot.services.moderation.entries import Actor, record_audit, resolve_flags

REMOVABLE = (EntryKind.CHALLENGE.value, EntryKind.SOLUTION.value, EntryKind.TAKEAWAY.value)
REMOVED_TITLE = "(removed by its author)"
_MODELS: Mapping[str, Any] = MappingProxyType(
    {
        EntryKind.CHALLENGE.value: Challenge,
        EntryKind.SOLUTION.value: Solution,
        EntryKind.TAKEAWAY.value: Takeaway,
    }
)


@dataclass(frozen=True)
class AuthorResult:
    action: str  # withdraw | approve
    kind: str
    entry_id: int
    previous: str  # the status before
    status: str  # the status now


def _not_yours(kind: str, entry_id: int) -> NotFound:
    return NotFound(f"I can't find a {kind} of yours numbered #{entry_id} in this server.")


async def _own(
    s: Any, guild_id: int, kind: str, entry_id: int, author_id: int, *, lock: bool = True
) -> Any:
    if kind not in REMOVABLE:
        raise Invalid("Only challenges, solutions and takeaways can be changed this way.")
    model = _MODELS[kind]
    stmt = select(model).where(model.id == entry_id)
    row = await s.scalar(stmt.with_for_update() if lock else stmt)
    if (
        row is None
        or row.guild_id != guild_id
        or row.author_id != author_id
        or row.status == Status.WITHDRAWN
    ):
        raise _not_yours(kind, entry_id)
    return row


async def _erase(s: Any, kind: str, row: Any) -> None:
    if kind == EntryKind.CHALLENGE:
        row.title, row.problem, row.tried, row.search_text = REMOVED_TITLE, "", "", ""
    elif kind == EntryKind.TAKEAWAY:
        row.body = ""
    else:
        row.body = ""
        if row.accepted:
            row.accepted, row.accepted_at, row.accepted_by_id = False, None, None
            challenge = await s.get(Challenge, row.challenge_id, with_for_update=True)
            if challenge is not None and challenge.accepted_solution_id == row.id:
                challenge.accepted_solution_id = None
                challenge.solved, challenge.solved_at = False, None
    row.featured = False
    row.status = Status.WITHDRAWN.value


async def _withdraw_row(s: Any, guild_id: int, author: Actor, kind: str, row: Any) -> str:
    previous = str(row.status)
    await _erase(s, kind, row)
    await resolve_flags(s, guild_id, kind, [row.id])
    after = {"status": Status.WITHDRAWN.value}
    await record_audit(s, guild_id, author, "withdraw", kind, row.id, {"status": previous}, after)
    return previous


async def withdraw(
    db: Database, guild_id: int, author: Actor, kind: str, entry_id: int
) -> AuthorResult:
    """The author removes their challenge, solution or takeaway (saved by them or anyone)."""
    async with db.sessions.begin() as s:
        row = await _own(s, guild_id, kind, entry_id, author.id)
        previous = await _withdraw_row(s, guild_id, author, kind, row)
    return AuthorResult("withdraw", kind, entry_id, previous, Status.WITHDRAWN.value)


async def consent(
    db: Database, guild_id: int, author: Actor, kind: str, entry_id: int, *, approve: bool
) -> AuthorResult:
    """The author answers a capture from a private thread: approved, it follows the
    server's review policy (published, or held for the moderators); declined, it is
    withdrawn. Answering twice: Conflict."""
    cfg = await guilds.get_settings(db, guild_id)
    async with db.sessions.begin() as s:
        row = await _own(s, guild_id, kind, entry_id, author.id)
        if row.status != Status.AWAITING_AUTHOR:
            label = STATUS_LABELS.get(row.status, row.status)
            raise Conflict(f"You already answered: this {kind} is {label}.")
        if not approve:
            previous = await _withdraw_row(s, guild_id, author, kind, row)
            return AuthorResult("withdraw", kind, entry_id, previous, Status.WITHDRAWN.value)
        status = guilds.initial_status(cfg, EntryKind(kind))
        row.status = status.value
    return AuthorResult("approve", kind, entry_id, Status.AWAITING_AUTHOR.value, status.value)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def own_entries(
    db: Database, guild_id: int, kind: str, author_id: int, query: str, limit: int = 25
) -> list[tuple[int, str]]:
    """Autocomplete for the edit and remove subcommands of challenge, solution and
    takeaway: (id, label) of the member's own entries of `kind`, newest first, matching
    `query` (words or a number)."""
    if kind not in REMOVABLE:
        return []
    model = _MODELS[kind]
    text = model.title if kind == EntryKind.CHALLENGE else model.body
    stmt = select(model.id, text, model.status).where(
        model.guild_id == guild_id,
        model.author_id == author_id,
        model.status != Status.WITHDRAWN.value,
    )
    # Control characters (a NUL is refused by PostgreSQL) are never in a title or body.
    q = " ".join(_CONTROL.sub(" ", query).split())[:100].lower().lstrip("#")
    if q.isascii() and q.isdigit() and len(q) < 12:
        stmt = stmt.where(model.id == int(q))
    elif q:
        stmt = stmt.where(func.lower(text).contains(q, autoescape=True))
    stmt = stmt.order_by(model.id.desc()).limit(limit)
    async with db.reader() as s:
        rows = (await s.execute(stmt)).all()
    out = []
    for entry_id, words, status in rows:
        state = "" if status == Status.PUBLISHED else f" [{STATUS_LABELS.get(status, status)}]"
        head = f"#{entry_id} {' '.join(str(words).split())}"
        out.append((int(entry_id), head[: 100 - len(state)] + state))
    return out
