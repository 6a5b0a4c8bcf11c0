"""Challenges: view, search, list, similar ones and suggestions.

Recording (by command or from a chat message) lives in record.py; reads for the digest in
digest_queries.py; loading helpers in load.py.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, ChallengeConcept
from bot.db.types import Status
from bot.errors import Invalid, NotFound
from bot.services.challenges.load import load_challenges, load_page
from bot.services.challenges.search import Scope, ranked_challenge_ids, tokenize
from bot.services.challenges.search_cache import search_cache
from bot.services.concepts import resolve_concepts
from bot.services.entries import (
    ChallengeFilter,
    ChallengeInfo,
    ChallengePage,
    MergedChallenge,
    Paged,
    clean_text,
    get_visible,
    visible_to,
)

SIMILAR_LIMIT = 3
NOT_FOUND = "I can't find that challenge in this server. Pick one from the suggestions."
REMOVED = "The author of that message removed what was saved from it: it can't be saved again."


async def similar_challenges(
    db: Database,
    guild_id: int,
    text: str,
    *,
    exclude_id: int | None = None,
    limit: int = SIMILAR_LIMIT,
) -> tuple[ChallengeInfo, ...]:
    """Published challenges of this server most similar to `text` (solved ones included)."""
    scope = Scope("published", exclude_id=exclude_id)
    async with db.reader() as s:
        ids = await ranked_challenge_ids(
            s,
            guild_id,
            text,
            scope=scope,
            mode="any",
            limit=limit,
            max_tokens=12,
            memo=search_cache(db).fts,
        )
        loaded = await load_challenges(s, ids)
    return tuple(loaded[i] for i in ids)


MERGE_HOPS_MAX = 20


async def get_challenge_page(
    db: Database, guild_id: int, challenge_id: int, *, viewer_id: int | None
) -> ChallengePage:
    """A challenge and its solutions. Unknown, other server's or not visible -> NotFound.
    A duplicate merged into another leads to the survivor (following later merges too)."""
    async with db.reader() as s:
        try:
            row = await get_visible(s, Challenge, challenge_id, guild_id, viewer_id, NOT_FOUND)
        except NotFound:
            dup = await s.get(Challenge, challenge_id) if 0 < challenge_id < 2**31 else None
            if dup is None or dup.guild_id != guild_id or dup.merged_into_id is None:
                raise
            target, hops = dup.merged_into_id, 0
            nxt = await s.get(Challenge, target)
            while nxt is not None and nxt.merged_into_id is not None and hops < MERGE_HOPS_MAX:
                target, hops = nxt.merged_into_id, hops + 1
                nxt = await s.get(Challenge, target)
            row = await get_visible(s, Challenge, target, guild_id, viewer_id, NOT_FOUND)
            page = await load_page(s, guild_id, row.id, viewer_id)
            return replace(page, merged_from=MergedChallenge(dup.id, dup.title))
        return await load_page(s, guild_id, row.id, viewer_id)


async def search_challenges(
    db: Database,
    guild_id: int,
    query: str,
    *,
    viewer_id: int,
    page: int = 0,
    per_page: int = 5,
) -> Paged[ChallengeInfo]:
    """Full-text search, best match first; published plus the viewer's own entries."""
    query = clean_text(query, "The search", 200)
    page = max(0, page)
    cache = search_cache(db)
    async with db.reader() as s:
        viewer = await cache.viewer_key(s, guild_id, viewer_id)

        async def rank() -> list[int]:
            return await ranked_challenge_ids(
                s,
                guild_id,
                query,
                scope=Scope("visible", viewer),
                mode="all",
                limit=per_page + 1,
                memo=search_cache(db).fts,
                offset=page * per_page,
            )

        key = ("search", tuple(tokenize(query)), page, per_page, viewer)
        ids = await cache.ranked(guild_id, key, rank)
        shown = await cache.shown(guild_id, ids[:per_page], lambda i: load_challenges(s, i))
    items = tuple(shown[i] for i in ids[:per_page] if i in shown)
    return Paged(items=items, page=page, per_page=per_page, has_next=len(ids) > per_page)


async def list_challenges(
    db: Database,
    guild_id: int,
    *,
    viewer_id: int,
    filter: ChallengeFilter = ChallengeFilter.ALL,
    concept: str | None = None,
    page: int = 0,
    per_page: int = 5,
) -> Paged[ChallengeInfo]:
    """Newest first. open | solved | mine (every status of your own) | all."""
    page = max(0, page)
    stmt = select(Challenge.id).where(Challenge.guild_id == guild_id)
    if filter is ChallengeFilter.MINE:
        stmt = stmt.where(
            Challenge.author_id == viewer_id, Challenge.status != Status.WITHDRAWN.value
        )
    else:
        stmt = stmt.where(visible_to(Challenge, viewer_id))
    if filter is ChallengeFilter.OPEN:
        stmt = stmt.where(Challenge.solved.is_(False))
    elif filter is ChallengeFilter.SOLVED:
        stmt = stmt.where(Challenge.solved.is_(True))
    async with db.reader() as s:
        if concept:
            tags = await resolve_concepts(s, guild_id, [concept])
            if not tags:
                raise Invalid("Pick a concept from the list to filter by (or leave it empty).")
            stmt = stmt.join(ChallengeConcept, ChallengeConcept.challenge_id == Challenge.id)
            stmt = stmt.where(ChallengeConcept.concept_id == tags[0].id)
        stmt = (
            stmt.order_by(Challenge.created_at.desc(), Challenge.id.desc())
            .limit(per_page + 1)
            .offset(page * per_page)
        )
        ids = list((await s.scalars(stmt)).all())
        loaded = await load_challenges(s, ids[:per_page])
    items = tuple(loaded[i] for i in ids[:per_page])
    return Paged(items=items, page=page, per_page=per_page, has_next=len(ids) > per_page)


async def challenge_suggestions(
    db: Database, guild_id: int, current: str, *, viewer_id: int, limit: int = 25
) -> list[ChallengeInfo]:
    """Autocomplete: by id ("12" or "#12"), by words, or the newest ones."""
    text = current.strip().lstrip("#")
    scope = Scope("active", viewer_id)
    where = scope.clauses()
    async with db.reader() as s:
        ids: list[int] = []
        if text.isascii() and text.isdigit() and len(text) < 12:
            exact = await s.scalar(
                select(Challenge.id).where(
                    Challenge.guild_id == guild_id, Challenge.id == int(text), *where
                )
            )
            ids = [exact] if exact is not None else []
        if text and len(ids) < limit:
            found = await ranked_challenge_ids(
                s,
                guild_id,
                text,
                scope=scope,
                mode="all",
                limit=limit,
                memo=search_cache(db).fts,
            )
            ids += [i for i in found if i not in ids]
        if not text:
            stmt = (
                select(Challenge.id)
                .where(Challenge.guild_id == guild_id, *where)
                .order_by(Challenge.solved, Challenge.created_at.desc(), Challenge.id.desc())
                .limit(limit)
            )
            ids = list((await s.scalars(stmt)).all())
        loaded = await load_challenges(s, ids[:limit], with_concepts=False)
    return [loaded[i] for i in ids[:limit]]


async def solution_targets(
    db: Database, guild_id: int, text: str, *, viewer_id: int, limit: int = 25
) -> list[ChallengeInfo]:
    """Open challenges for "Save as solution": most similar to `text` first, then newest."""
    scope = Scope("active", viewer_id, open_only=True)
    where = scope.clauses()
    async with db.reader() as s:
        ids = await ranked_challenge_ids(
            s,
            guild_id,
            text,
            scope=scope,
            mode="any",
            limit=limit,
            max_tokens=12,
            memo=search_cache(db).fts,
        )
        if len(ids) < limit:
            recent = (
                await s.scalars(
                    select(Challenge.id)
                    .where(Challenge.guild_id == guild_id, *where)
                    .order_by(Challenge.created_at.desc(), Challenge.id.desc())
                    .limit(limit)
                )
            ).all()
            ids += [i for i in recent if i not in ids]
        ids = ids[:limit]
        loaded = await load_challenges(s, ids, with_concepts=False)
    return [loaded[i] for i in ids]
