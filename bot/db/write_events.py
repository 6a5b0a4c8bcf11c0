"""Tell engine-attached caches which servers' rows a transaction changed, once committed.

A cache (the concept index, the challenge search cache) is an object set as an attribute
of the engine. `notify_on_commit(Model, attr, method)` listens to every ORM Session: the
servers of `Model` rows flushed in a transaction (and, for INSERT/UPDATE/DELETE
statements on `Model` run through the session, the `bulk` key meaning "every server")
are collected, and after the COMMIT `getattr(engine, attr).<method>(guild_id)` is called
for each. A rolled-back transaction notifies nobody. Features therefore never have to
remember to invalidate after a write.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


def notify_on_commit(model: type, attr: str, method: str, *, missing: int, bulk: int) -> None:
    """`missing`: the key for rows without a guild_id; `bulk`: the key for bulk statements."""
    key = f"nexus_touched_{attr}_{model.__name__}_{method}"

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
        touched = session.info.pop(key, None)
        cache = getattr(session.bind, attr, None) if touched else None
        if cache is not None:
            for guild_id in touched or ():
                getattr(cache, method)(guild_id)

    def after_rollback(session: Session) -> None:
        session.info.pop(key, None)

    event.listen(Session, "after_flush", after_flush)
    event.listen(Session, "do_orm_execute", on_execute)
    event.listen(Session, "after_commit", after_commit)
    event.listen(Session, "after_rollback", after_rollback)
