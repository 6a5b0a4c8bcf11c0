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

The other objects hold no derived data: LookupBuffer (lookup statistics waiting for
their once-a-second write), ShareLimits (concepts recently posted in each channel),
VoteQueue (takeaway votes waiting for their batch) and DigestStatements (the digest's SQL,
built once).
"""

from __future__ import annotations

from bot.db import Database
from bot.db.models import Challenge, ChallengeConcept, Concept, Solution
from bot.db.models.concepts import BASE_GUILD_ID
from bot.db.write_events import notify_on_commit
from bot.services.challenges import ALL_SERVERS, SearchCache
from bot.services.concepts import ConceptIndex, LookupBuffer, ShareLimits
from bot.services.digest import DigestStatements
from bot.services.takeaways import VoteQueue


def open_database(url: str, *, echo: bool = False) -> Database:
    """The database at `url` with every service object wired in (see the module doc)."""
    db = Database.create(url, echo=echo)
    wire(db)
    return db


def wire(db: Database) -> None:
    """Create the per-database objects and register their invalidation listeners."""
    sessions = db.session_class

    index = ConceptIndex()
    db.provide(index)
    notify_on_commit(sessions, Concept, index.invalidate, missing=BASE_GUILD_ID, bulk=BASE_GUILD_ID)

    search = SearchCache()
    db.provide(search)
    notify_on_commit(sessions, Challenge, search.changed, missing=ALL_SERVERS, bulk=ALL_SERVERS)
    for model in (Solution, ChallengeConcept, Concept):
        notify_on_commit(
            sessions, model, search.content_changed, missing=ALL_SERVERS, bulk=ALL_SERVERS
        )

    db.provide(LookupBuffer())
    db.provide(ShareLimits())
    db.provide(VoteQueue())
    db.provide(DigestStatements())
