"""Tell a cache which servers' rows a transaction changed, once the transaction committed.

`notify_on_commit(session_class, Model, callback)` listens to the sessions of ONE database
(its own Session subclass, `Database.session_class`): the servers of `Model` rows flushed
in a transaction (and, for INSERT/UPDATE/DELETE statements on `Model` run through the
session, the `bulk` key meaning "every server") are collected, and after the COMMIT
`callback(guild_id)` is called for each. A rolled-back transaction notifies nobody.
Features therefore never have to remember to invalidate after a write. Nothing here runs at
import: `bot.wiring` registers every listener, in one place.

Other processes on the same PostgreSQL database: a registration with `publish=<kind>` also
puts `(kind, guild_id)` in the transaction's outbox, and `publish_on_flush` hands the
outbox to a sender inside the transaction (after each flush, and before the commit for
bulk statements), which notifies them (`bot.db.coherence`).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


def notify_on_commit(
    session_class: type[Session],
    model: type,
    callback: Callable[[int], None],
    *,
    missing: int,
    bulk: int,
    publish: str | None = None,
) -> None:
    """`missing`: the key for rows without a guild_id; `bulk`: the key for bulk statements;
    `publish`: the kind other processes are told about (see `publish_on_flush`)."""
    key = ("nexus_touched", model, callback)

    def note(session: Session, guild_id: int) -> None:
        session.info.setdefault(key, set()).add(guild_id)
        if publish is not None:
            session.info.setdefault(OUTBOX, set()).add((publish, guild_id))

    def after_flush(session: Session, _context: Any) -> None:
        for obj in chain(session.new, session.dirty, session.deleted):
            if isinstance(obj, model):
                guild_id = getattr(obj, "guild_id", None)
                note(session, missing if guild_id is None else int(guild_id))

    def on_execute(state: ORMExecuteState) -> None:
        if (state.is_insert or state.is_update or state.is_delete) and any(
            m.class_ is model for m in state.all_mappers
        ):
            note(state.session, bulk)

    def after_commit(session: Session) -> None:
        for guild_id in session.info.pop(key, None) or ():
            callback(guild_id)

    def after_rollback(session: Session) -> None:
        session.info.pop(key, None)

    event.listen(session_class, "after_flush", after_flush)
    event.listen(session_class, "do_orm_execute", on_execute)
    event.listen(session_class, "after_commit", after_commit)
    event.listen(session_class, "after_rollback", after_rollback)


OUTBOX = "nexus_outbox"
_SENT = "nexus_outbox_sent"


def publish_on_flush(
    session_class: type[Session], send: Callable[[Session, list[tuple[str, int]]], None]
) -> None:
    """Call `send(session, keys)` inside the transaction with the outbox's new keys: after
    each flush (rows) and before the commit (bulk statements noted since). Each key is
    sent once per transaction; a rolled-back transaction's messages are never delivered."""

    def flush_outbox(session: Session, *_: Any) -> None:
        pending = session.info.get(OUTBOX)
        if not pending:
            return
        sent = session.info.setdefault(_SENT, set())
        new = sorted(pending - sent)
        if new:
            send(session, new)
            sent.update(new)

    def clear(session: Session) -> None:
        session.info.pop(OUTBOX, None)
        session.info.pop(_SENT, None)

    event.listen(session_class, "after_flush_postexec", flush_outbox)
    event.listen(session_class, "before_commit", flush_outbox)
    event.listen(session_class, "after_commit", clear)
    event.listen(session_class, "after_rollback", clear)
