"""Where the database and the services' shared objects are created: the one place.

`open_database(url)` is how every program (the bot, the playground, the CLI, the tests and
the benchmarks) opens Nexus's database. It creates each per-database object the services
share and registers, on this database's own Session class, which committed writes
invalidate which cache. Importing any module of Nexus registers nothing and builds
nothing: this function does, when it is called.

Which write invalidates what (after COMMIT; a rollback invalidates nothing):

- concepts -> ConceptIndex: that server's lookup index is rebuilt (a base row: every
  server's).
- challenges -> the challenge SearchCache: that server's search answers are dropped.
- solutions, challenge-concept links, concepts -> the challenge SearchCache: shown
  challenges (their solution counts and tags) are reloaded.

On PostgreSQL, where several processes may share the database, each of those writes is
also published inside its transaction, and a process opened with `listen=True` (the bot)
applies what the others publish within milliseconds (`bot.db.coherence.CacheListener`;
kinds "concepts", "challenges", "content"). SQLite serves one process: nothing is
published or listened to, and nothing costs anything extra.

The other objects hold no derived data: LookupBuffer (lookup statistics waiting for
their once-a-second write), ShareLimits (concepts recently posted in each channel),
VoteQueue (takeaway votes waiting for their batch) and DigestStatements (the digest's SQL,
built once).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.db import Database
from bot.db.coherence import CacheListener
from bot.db.models import Challenge, ChallengeConcept, Concept, Solution
from bot.db.models.concepts import BASE_GUILD_ID
from bot.db.write_events import notify_on_commit
from bot.services.challenges import ALL_SERVERS, SearchCache
from bot.services.concepts import ConceptIndex, LookupBuffer, ShareLimits
from bot.services.digest import DigestStatements
from bot.services.takeaways import VoteQueue


def open_database(url: str, *, echo: bool = False, listen: bool = False) -> Database:
    """The database at `url` with every service object wired in (see the module doc).

    `listen`: on PostgreSQL, also apply the invalidations other processes publish (a
    long-running program such as the bot; needs a running event loop). One-shot commands
    leave it off: they still publish their own writes."""
    db = Database.create(url, echo=echo)
    wire(db)
    if listen and not db.is_sqlite:
        db.spawn(db.part(CacheListener).run(), name="nexus-cache-listener", interruptible=True)
    return db


def wire(db: Database) -> None:
    """Create the per-database objects and register their invalidation listeners."""
    sessions = db.session_class
    shared = None
    if not db.is_sqlite:
        shared = CacheListener.for_engine(db.engine)
        shared.attach(sessions)
        db.provide(shared)

    def on_commit(model: type, callback: Callable[[int], None], everything: int, kind: str) -> None:
        notify_on_commit(
            sessions,
            model,
            callback,
            missing=everything,
            bulk=everything,
            publish=kind if shared is not None else None,
        )
        if shared is not None:  # the same invalidation, when another process wrote
            shared.register(kind, callback, everything=everything)

    index = ConceptIndex()
    db.provide(index)
    on_commit(Concept, index.invalidate, BASE_GUILD_ID, "concepts")

    search = SearchCache()
    db.provide(search)
    on_commit(Challenge, search.changed, ALL_SERVERS, "challenges")
    for model in (Solution, ChallengeConcept, Concept):
        on_commit(model, search.content_changed, ALL_SERVERS, "content")

    db.provide(LookupBuffer())
    db.provide(ShareLimits())
    db.provide(VoteQueue())
    db.provide(DigestStatements())
