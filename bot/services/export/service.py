"""`nexus export`: a server's curated knowledge as a small Markdown documentation hub.

Writes index.md, concepts.md, challenges.md, takeaways.md and collaboration.md into
`out`. Only published entries, and none by a member who opted out of reuse (/privacy: a
challenge they asked leaves with its solutions); authors by display name; member text
escaped; output sorted so the same database always gives the same files.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from bot.db import Database
from bot.db.models import (
    Challenge,
    Concept,
    GuildSettings,
    PairProfile,
    Solution,
    Takeaway,
    TakeawayConcept,
)
from bot.db.types import Status
from bot.services.challenges import load_challenges, solution_order
from bot.services.concepts import all_visible
from bot.services.consent import reuse_allowed
from bot.services.entries import (
    ConceptTag,
    SolutionInfo,
    TakeawayInfo,
    solution_info,
    takeaway_info,
)
from bot.services.export.markdown import (
    ChallengeEntry,
    challenges_md,
    collaboration_md,
    concepts_md,
    index_md,
    takeaways_md,
)
from bot.services.pairing import pairing_stats

PUBLISHED = Status.PUBLISHED.value
FILES = ("index.md", "concepts.md", "challenges.md", "takeaways.md", "collaboration.md")


async def _challenge_entries(
    db: Database, guild_id: int, visible_concepts: set[int]
) -> list[ChallengeEntry]:
    async with db.reader() as s:
        ids = list(
            (
                await s.scalars(
                    select(Challenge.id)
                    .where(
                        Challenge.guild_id == guild_id,
                        Challenge.status == PUBLISHED,
                        reuse_allowed(Challenge.author_id, guild_id),
                    )
                    .order_by(Challenge.created_at.desc(), Challenge.id.desc())
                )
            ).all()
        )
        loaded = await load_challenges(s, ids)
        sols: dict[int, list[SolutionInfo]] = defaultdict(list)
        rows = await s.scalars(
            select(Solution).where(
                Solution.guild_id == guild_id,
                Solution.status == PUBLISHED,
                reuse_allowed(Solution.author_id, guild_id),
            )
        )
        for row in rows:
            sols[row.challenge_id].append(solution_info(row))
    entries = []
    for cid in ids:
        info = loaded[cid]
        tags = tuple(t for t in info.concepts if t.id in visible_concepts)
        if tags != info.concepts:
            info = replace(info, concepts=tags)
        ordered = tuple(sorted(sols.get(cid, []), key=solution_order))
        entries.append(ChallengeEntry(info, ordered))
    return entries


async def _takeaways(
    db: Database, guild_id: int, visible: dict[int, ConceptTag]
) -> list[TakeawayInfo]:
    async with db.reader() as s:
        rows = (
            await s.scalars(
                select(Takeaway)
                .where(
                    Takeaway.guild_id == guild_id,
                    Takeaway.status == PUBLISHED,
                    reuse_allowed(Takeaway.author_id, guild_id),
                )
                .order_by(Takeaway.votes.desc(), Takeaway.created_at, Takeaway.id)
            )
        ).all()
        links = await s.execute(
            select(TakeawayConcept.takeaway_id, TakeawayConcept.concept_id).where(
                TakeawayConcept.takeaway_id.in_([r.id for r in rows])
            )
        )
        tags: dict[int, list[ConceptTag]] = defaultdict(list)
        for tid, cid in links.all():
            if cid in visible:
                tags[tid].append(visible[cid])
    return [
        takeaway_info(r, sorted(tags.get(r.id, []), key=lambda t: (t.name.lower(), t.id)))
        for r in rows
    ]


async def export_guild(db: Database, guild_id: int, out: Path) -> list[Path]:
    """Write the hub into `out` (created if missing); return the files written."""
    concepts = await all_visible(db, guild_id)
    visible = {c.id: ConceptTag(c.id, c.name, c.slug, c.category, c.tracks) for c in concepts}
    entries = await _challenge_entries(db, guild_id, set(visible))
    takeaways = await _takeaways(db, guild_id, visible)
    stats = await pairing_stats(db, guild_id)
    solved = sum(1 for e in entries if e.challenge.solved)
    pages = {
        "index.md": index_md(len(concepts), len(entries), solved, len(takeaways), stats),
        "concepts.md": concepts_md(concepts),
        "challenges.md": challenges_md(entries),
        "takeaways.md": takeaways_md(takeaways),
        "collaboration.md": collaboration_md(stats),
    }
    return await asyncio.to_thread(_write, out, pages)


def _write(out: Path, pages: dict[str, str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FILES:
        path = out / name
        path.write_text(pages[name], encoding="utf-8", newline="\n")
        written.append(path)
    return written


async def guild_has_data(db: Database, guild_id: int) -> bool:
    """Whether this database knows the server at all (settings, entries, concepts, pairs)."""
    columns = (
        GuildSettings.guild_id,
        Challenge.guild_id,
        Takeaway.guild_id,
        Concept.guild_id,
        PairProfile.guild_id,
    )
    async with db.reader() as s:
        for column in columns:
            if await s.scalar(select(column).where(column == guild_id).limit(1)) is not None:
                return True
    return False
