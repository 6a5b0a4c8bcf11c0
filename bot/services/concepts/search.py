"""Full-text search over concept names, aliases, summaries and bodies.

SQLite: the FTS5 table `concepts_fts` (migration 0002). Member input never reaches
MATCH raw: it is cut into word tokens, each a quoted phrase with a prefix star, so `"`,
`AND`, `NEAR(`, `-x`, `*` or emoji can never raise. bm25 weights names highest. When the
table (or its triggers, or FTS5 itself) is missing, a LIKE search is used instead.
PostgreSQL: `websearch_to_tsquery` (never raises) against the GIN-indexed
`to_tsvector('english', search_text)`, ordered by ts_rank with the name weighted A.

Scoping is always done on the base table with `visible_clause`.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import OperationalError

from bot.db import Database
from bot.db.models import Concept
from bot.services.concepts.index import index_for
from bot.services.concepts.service import PER_PAGE_MAX, clean_query
from bot.services.concepts.types import ConceptPage, to_brief, visible_clause

log = logging.getLogger("nexus.concepts")

SEARCH_QUERY_MAX = 200
TOKENS_MAX = 12
TOKEN_MAX = 40
FTS_OBJECTS = ("concepts_fts", "concepts_fts_ai", "concepts_fts_ad", "concepts_fts_au")
# bm25 column weights: name, aliases, summary, body.
BM25 = "bm25(concepts_fts, 10.0, 6.0, 3.0, 1.0)"
_WORD = re.compile(r"\w+", re.UNICODE)
_FTS = table("concepts_fts", column("rowid"))
_REGCONFIG: ColumnElement[Any] = literal_column("'english'::regconfig")


def search_tokens(text: str) -> list[str]:
    """Word tokens of the member's text: letters/digits only, deduplicated, bounded."""
    words = _WORD.findall(clean_query(text, SEARCH_QUERY_MAX).casefold())
    tokens = [w.strip("_")[:TOKEN_MAX] for w in words]
    return list(dict.fromkeys(t for t in tokens if t))[:TOKENS_MAX]


def fts5_query(tokens: list[str], *, any_token: bool = False) -> str:
    """A MATCH expression made only of quoted prefix phrases ("tok"*)."""
    quoted = ['"' + t.replace('"', "") + '"*' for t in tokens]
    return (" OR " if any_token else " ").join(quoted)


async def fts_available(db: Database) -> bool:
    """Whether the FTS5 table and its sync triggers exist (checked once per Database)."""
    index = index_for(db)
    if index.fts_available is None:
        names = ", ".join(f"'{n}'" for n in FTS_OBJECTS)
        async with db.reader() as session:
            found = await session.scalar(
                sql_text(f"SELECT count(*) FROM sqlite_master WHERE name IN ({names})")
            )
        index.fts_available = found == len(FTS_OBJECTS)
        if not index.fts_available:
            log.warning("concepts_fts is missing: concept search uses LIKE")
    return index.fts_available


# What a result line shows (to_brief), and the number of matches with every row: one
# statement per page instead of a count and an ORM read of whole rows (bodies included).
_BRIEF = (
    Concept.id,
    Concept.guild_id,
    Concept.slug,
    Concept.name,
    Concept.summary,
    Concept.category,
    Concept.tracks,
    Concept.status,
)


@dataclass(frozen=True)
class _PageQuery:
    page: Select[Any]  # the page's briefs, each with the total
    matches: Subquery  # every match (ids and sort keys): the total past the last page


def _page_statement(
    where: list[Any], order: list[tuple[Any, bool]], join_fts: bool = False
) -> _PageQuery:
    """A page of briefs with the total; `order` is (expression, descending) pairs. Only the
    ids and sort keys of the matches are ranked and counted (a search can match thousands
    of concepts: carrying their brief columns through the sort cost a third of its time);
    the page's few rows are joined back for their briefs. The sort keys are columns of a
    subquery: bm25() cannot be evaluated beside a window function."""
    keys = [expr.label(f"k{i}") for i, (expr, _) in enumerate(order)]
    inner = select(Concept.id.label("id"), *keys)
    if join_fts:
        inner = inner.join(_FTS, _FTS.c.rowid == Concept.id)
    found = inner.where(*where).subquery()

    def by(rel: Any) -> list[Any]:
        return [
            rel.c[f"k{i}"].desc() if desc else rel.c[f"k{i}"] for i, (_, desc) in enumerate(order)
        ]

    page = (
        select(found, func.count().over().label("total"))
        .order_by(*by(found))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    stmt = select(*_BRIEF, page.c.total).join(page, page.c.id == Concept.id).order_by(*by(page))
    return _PageQuery(stmt, found)


@functools.cache
def _fts_statement() -> _PageQuery:
    """Built once (the server and the MATCH text are parameters): a reused statement
    keeps its cache key, which was most of a search's event-loop time."""
    match = sql_text("concepts_fts MATCH :q")
    score: ColumnElement[Any] = literal_column(BM25)
    return _page_statement(
        [match, visible_clause(bindparam("guild"))], [(score, False), (Concept.id, False)], True
    )


async def _page(
    db: Database, query: _PageQuery, page: int, per_page: int, **params: Any
) -> ConceptPage:
    async with db.reader() as session:
        rows = (
            await session.execute(
                query.page, {**params, "limit": per_page, "offset": page * per_page}
            )
        ).all()
        if rows:
            total = int(rows[0].total)
        elif page == 0:
            total = 0
        else:  # past the last page: still say how many there are
            counted = select(func.count()).select_from(query.matches)
            total = int(await session.scalar(counted, params) or 0)
    return ConceptPage(tuple(to_brief(r) for r in rows), page, per_page, total)


async def _search_fts(
    db: Database, guild_id: int, tokens: list[str], page: int, per_page: int
) -> ConceptPage:
    result = ConceptPage((), page, per_page, 0)
    for any_token in (False, True) if len(tokens) > 1 else (False,):
        q = fts5_query(tokens, any_token=any_token)
        result = await _page(db, _fts_statement(), page, per_page, q=q, guild=guild_id)
        if result.total:
            break
    return result


def _like(token: str) -> str:
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def _search_like(
    db: Database, guild_id: int, tokens: list[str], page: int, per_page: int
) -> ConceptPage:
    haystack = func.lower(Concept.search_text)
    conds = [haystack.like(_like(t), escape="\\") for t in tokens]
    in_name = or_(*[func.lower(Concept.name).like(_like(t), escape="\\") for t in tokens])
    order = [
        (case((in_name, 0), else_=1), False),
        (func.lower(Concept.name), False),
        (Concept.id, False),
    ]
    result = ConceptPage((), page, per_page, 0)
    for combine in (and_, or_) if len(tokens) > 1 else (and_,):
        stmt = _page_statement([combine(*conds), visible_clause(guild_id)], order)
        result = await _page(db, stmt, page, per_page)
        if result.total:
            break
    return result


def _pg_vector(expr: Any) -> ColumnElement[Any]:
    return func.to_tsvector(_REGCONFIG, expr)


async def _search_pg(
    db: Database, guild_id: int, text: str, tokens: list[str], page: int, per_page: int
) -> ConceptPage:
    result = ConceptPage((), page, per_page, 0)
    for q in dict.fromkeys([text, " or ".join(tokens)]):
        tsq = func.websearch_to_tsquery(_REGCONFIG, q)
        vector = _pg_vector(Concept.search_text)
        weighted = func.setweight(_pg_vector(Concept.name), literal_column("'A'")).op("||")(vector)
        rank = func.ts_rank(weighted, tsq)
        stmt = _page_statement(
            [vector.op("@@")(tsq), visible_clause(guild_id)],
            [(rank, True), (func.lower(Concept.name), False), (Concept.id, False)],
        )
        result = await _page(db, stmt, page, per_page)
        if result.total:
            break
    return result


async def search_concepts(
    db: Database,
    guild_id: int,
    query: str,
    *,
    page: int = 0,
    per_page: int = 5,
    backend: str | None = None,
) -> ConceptPage:
    """One page of the server's visible concepts matching `query`, best first.

    Never raises on odd input: text without any word yields an empty page. `backend`
    ("fts", "like", "pg") forces a path; by default it is chosen from the database.
    """
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    page = max(0, page)
    tokens = search_tokens(query)
    if not tokens:
        return ConceptPage((), page, per_page, 0)
    if backend is None:
        if not db.is_sqlite:
            backend = "pg"
        else:
            backend = "fts" if await fts_available(db) else "like"
    # A warm index caches this server's answers until its concepts change (the index is
    # replaced on every write). The first page also needs the index's merged names, so a
    # first page's search builds it (as a lookup or a keystroke would) when it is cold.
    index = index_for(db).cached(guild_id)
    key = (backend, clean_query(query, SEARCH_QUERY_MAX).casefold(), page, per_page)
    found = index.searches.get(key) if index is not None else None
    if found is None:
        found = await _search(db, guild_id, query, tokens, backend, page, per_page)
        if page == 0:
            found = await _with_merged(db, guild_id, tokens, found)
        if index is not None:
            index.searches.put(key, found)
    return found


async def _with_merged(
    db: Database, guild_id: int, tokens: list[str], found: ConceptPage
) -> ConceptPage:
    """Put first the survivors of merged duplicates whose name or an alias matches: a
    duplicate's own words still find the concept it became (first page only)."""
    index = await index_for(db).get(db, guild_id)
    shown = {c.id for c in found.items}
    extra = [e.id for e in index.merged_matching(tokens) if e.id not in shown]
    if not extra:
        return found
    async with db.reader() as session:
        rows = (await session.execute(select(*_BRIEF).where(Concept.id.in_(extra)))).all()
    order = {cid: i for i, cid in enumerate(extra)}
    briefs = sorted((to_brief(r) for r in rows), key=lambda b: order[b.id])
    items = (*briefs, *found.items)[: found.per_page]
    return ConceptPage(items, found.page, found.per_page, found.total + len(briefs))


async def _search(
    db: Database,
    guild_id: int,
    query: str,
    tokens: list[str],
    backend: str,
    page: int,
    per_page: int,
) -> ConceptPage:
    if backend == "pg":
        text = clean_query(query, SEARCH_QUERY_MAX)
        found = await _search_pg(db, guild_id, text, tokens, page, per_page)
        if found.total or page > 0:
            return found
        # Nothing matched the English tsquery, e.g. only stop words ("how", "the"):
        # a substring search over a server's concepts is still cheap and finds them.
        return await _search_like(db, guild_id, tokens, page, per_page)
    if backend == "fts":
        try:
            return await _search_fts(db, guild_id, tokens, page, per_page)
        except OperationalError:  # e.g. a SQLite build without FTS5 reading our table
            log.warning("FTS5 search failed; falling back to LIKE", exc_info=True)
            index_for(db).fts_available = False
    return await _search_like(db, guild_id, tokens, page, per_page)
