"""Every address of a hub, for sitemap.xml (at most 50,000, the sitemap protocol's limit)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, Concept
from bot.services.web.rules import challenge_rule, concept_rule
from bot.services.web.types import Hub
from bot.services.web.urls import challenge_path, concept_path, hub_path
from bot.services.web.weeks import digest_periods

SITEMAP_MAX = 50_000


async def hub_paths(db: Database, hub: Hub) -> list[str]:
    """Paths (below the site root) of the hub's pages."""
    paths = [hub_path(hub.slug, p) for p in ("", "concepts", "challenges", "takeaways")]
    paths.append(hub_path(hub.slug, "digests"))
    async with db.reader() as s:
        slugs = await s.scalars(
            select(Concept.slug).where(concept_rule(hub)).order_by(Concept.slug).limit(SITEMAP_MAX)
        )
        paths += [concept_path(hub.slug, slug) for slug in slugs.all()]
        ids = await s.scalars(
            select(Challenge.id)
            .where(challenge_rule(hub))
            .order_by(Challenge.id)
            .limit(SITEMAP_MAX)
        )
        paths += [challenge_path(hub.slug, i) for i in ids.all()]
    paths += [hub_path(hub.slug, "digests", p) for p in await digest_periods(db, hub)]
    return paths[:SITEMAP_MAX]
