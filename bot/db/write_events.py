"""Tell a cache which servers' rows a transaction changed, once the transaction committed.

`notify_on_commit(session_class, Model, callback)` listens to the sessions of ONE database
(its own Session subclass, `Database.session_class`): the servers of `Model` rows flushed
in a transaction (and, for INSERT/UPDATE/DELETE statements on `Model` run through the
session, the `bulk` key meaning "every server") are collected, and after the COMMIT
`callback(guild_id)` is called for each. A rolled-back transaction notifies nobody.
Features therefore never have to remember to invalidate after a write. Nothing here runs at
import: `bot.wiring` registers every listener, in one place.
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
) -> None:
    """`missing`: the key for rows without a guild_id; `bulk`: the key for bulk statements."""
    key = ("nexus_touched", model, callback)

    def note(session: Session, guild_id: int) -> None:
        session.info.setdefault(key, set()).add(guild_id)

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
