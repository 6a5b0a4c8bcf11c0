"""Every address of a hub, for sitemap.xml (at most 50,000, the sitemap protocol's limit)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, Concept
from bot.services.web.rules import challenge_rule, concept_rule
from bot.services.web.types import Hub
from bot.services.web.weeks import digest_periods

SITEMAP_MAX = 50_000


async def hub_paths(db: Database, hub: Hub) -> list[str]:
    """Paths (below the site root) of the hub's pages."""
    base = f"/s/{hub.slug}"
    paths = [f"{base}/", f"{base}/concepts", f"{base}/challenges", f"{base}/takeaways"]
    paths.append(f"{base}/digests")
    async with db.reader() as s:
        slugs = await s.scalars(
            select(Concept.slug).where(concept_rule(hub)).order_by(Concept.slug).limit(SITEMAP_MAX)
        )
        paths += [f"{base}/concepts/{slug}" for slug in slugs.all()]
        ids = await s.scalars(
            select(Challenge.id)
            .where(challenge_rule(hub))
            .order_by(Challenge.id)
            .limit(SITEMAP_MAX)
        )
        paths += [f"{base}/challenges/{i}" for i in ids.all()]
    paths += [f"{base}/digests/{p}" for p in await digest_periods(db, hub)]
    return paths[:SITEMAP_MAX]
