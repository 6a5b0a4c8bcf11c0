"""Seeding the base knowledge base (guild_id 0) from data/concepts/*.md.

Each file is YAML front matter between `---` lines followed by a Markdown body. The
file stem is the slug. `seed_if_needed` is idempotent: a file's `source_hash` decides
whether its row is written; base rows whose file disappeared are hidden; server rows
(overrides and server concepts) are never touched.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.db import Database, locks
from bot.db.models import BASE_GUILD_ID, Concept
from bot.db.types import Status
from bot.services.concepts.index import invalidate_concepts
from bot.settings import REPO_ROOT

CATEGORIES = ("technology", "backend concept", "frontend concept", "practice", "tool")
TRACKS = ("frontend", "backend", "both")
SUMMARY_MAX = 200
NAME_MAX = 100
BODY_MIN, BODY_MAX = 1, 4000  # the content guide asks for 350-1400; the DB takes more
ANGLE_MAX = 1000  # a frontend or backend angle: one embed field (1024)
DATA_DIR_ENV = "NEXUS_DATA_DIR"


class SeedError(Exception):
    """A seed file is malformed. The message names the file."""


@dataclass(frozen=True)
class SeedConcept:
    slug: str
    name: str
    aliases: tuple[str, ...]
    category: str
    tracks: str
    related: tuple[str, ...]
    summary: str
    body: str
    links: tuple[tuple[str, str], ...]
    source_hash: str
    frontend_angle: str = ""
    backend_angle: str = ""


def concepts_dir() -> Path:
    """NEXUS_DATA_DIR (the data folder or its concepts/ folder), the checkout, or the cwd."""
    candidates: list[Path] = []
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        candidates += [Path(env) / "concepts", Path(env)]
    candidates += [REPO_ROOT / "data" / "concepts", Path.cwd() / "data" / "concepts"]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.md")):
            return candidate
    raise SeedError(
        "cannot find the seed concepts: set NEXUS_DATA_DIR or run from the project folder"
    )


def _split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise SeedError(f"{where}: must start with a '---' front matter line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise SeedError(f"{where}: front matter is not closed with '---'") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        raise SeedError(f"{where}: invalid YAML front matter: {error}") from None
    if not isinstance(meta, dict):
        raise SeedError(f"{where}: front matter must be a mapping of keys")
    return meta, "\n".join(lines[end + 1 :]).strip()


def _str(meta: dict[str, Any], key: str, where: str, limit: int) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}: `{key}` must be a non-empty string")
    value = " ".join(value.split())
    if len(value) > limit:
        raise SeedError(f"{where}: `{key}` is {len(value)} characters (max {limit})")
    return value


def _str_list(meta: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = meta.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise SeedError(f"{where}: `{key}` must be a list of strings")
    return tuple(dict.fromkeys(" ".join(str(v).split()) for v in value if str(v).strip()))


def _angle(meta: dict[str, Any], side: str, where: str) -> str:
    """How one track sees the concept: Markdown, without code fences (an embed field)."""
    value = meta.get(side)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}: `{side}` must be a non-empty string")
    value = value.strip()
    if len(value) > ANGLE_MAX:
        raise SeedError(f"{where}: `{side}` is {len(value)} characters (max {ANGLE_MAX})")
    if "```" in value:
        raise SeedError(f"{where}: `{side}` must not contain code fences")
    return value


def _links(meta: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    value = meta.get("links") or []
    if not isinstance(value, list):
        raise SeedError(f"{where}: `links` must be a list of {{title, url}}")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise SeedError(f"{where}: every link needs a `title` and a `url`")
        url = item["url"].strip()
        if not url.startswith(("https://", "http://")) or len(url) > 512:
            raise SeedError(f"{where}: link url must be http(s) and <= 512 chars: {url[:80]}")
        title = " ".join(str(item.get("title") or url).split())[:80]
        out.append((title, url))
    return tuple(out)


def parse_concept_file(path: Path) -> SeedConcept:
    """Parse and validate one seed file; SeedError names the file on any problem."""
    where = path.name
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SeedError(f"{where}: not UTF-8 text") from None
    meta, body = _split_front_matter(text, where)
    slug = path.stem
    if not slug or len(slug) > NAME_MAX or slug != slug.lower() or " " in slug:
        raise SeedError(f"{where}: the file name must be a lower-case slug (e.g. caching.md)")
    category = _str(meta, "category", where, 32)
    if category not in CATEGORIES:
        raise SeedError(f"{where}: `category` must be one of {', '.join(CATEGORIES)}")
    tracks = _str(meta, "tracks", where, 16)
    if tracks not in TRACKS:
        raise SeedError(f"{where}: `tracks` must be one of {', '.join(TRACKS)}")
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise SeedError(f"{where}: the Markdown body must be 1-{BODY_MAX} characters")
    if body.count("```") % 2:
        raise SeedError(f"{where}: the body has an unclosed ``` code fence")
    name = _str(meta, "name", where, NAME_MAX)
    summary = _str(meta, "summary", where, SUMMARY_MAX)
    angles = {side: _angle(meta, side, where) for side in ("frontend", "backend")}
    if tracks == "both" and not all(angles.values()):
        raise SeedError(f"{where}: a concept for both tracks needs `frontend` and `backend` angles")
    if tracks != "both" and any(angles.values()):
        raise SeedError(f"{where}: `frontend`/`backend` angles are for `tracks: both` only")
    return SeedConcept(
        slug=slug,
        name=name,
        aliases=_str_list(meta, "aliases", where),
        category=category,
        tracks=tracks,
        related=_str_list(meta, "related", where),
        summary=summary,
        body=body,
        links=_links(meta, where),
        source_hash=hashlib.sha256(raw).hexdigest(),
        frontend_angle=angles["frontend"],
        backend_angle=angles["backend"],
    )


def load_seed_concepts(directory: Path | None = None) -> list[SeedConcept]:
    """Every seed file, validated, plus cross-checks (unique names, `related` resolves)."""
    directory = directory or concepts_dir()
    concepts = [parse_concept_file(p) for p in sorted(directory.glob("*.md"))]
    by_name: dict[str, str] = {}
    for c in concepts:
        key = c.name.lower()
        if key in by_name:
            raise SeedError(f"{c.slug}.md: name {c.name!r} is also used by {by_name[key]}.md")
        by_name[key] = c.slug
    for c in concepts:
        missing = [r for r in c.related if r.lower() not in by_name]
        if missing:
            raise SeedError(f"{c.slug}.md: `related` names unknown concepts: {missing}")
    return concepts


def _apply(row: Concept, seed: SeedConcept) -> None:
    row.name = seed.name
    row.aliases = list(seed.aliases)
    row.category = seed.category
    row.tracks = seed.tracks
    row.related = list(seed.related)
    row.summary = seed.summary
    row.body = seed.body
    row.frontend_angle = seed.frontend_angle
    row.backend_angle = seed.backend_angle
    row.links = [{"title": t, "url": u} for t, u in seed.links]
    row.source_hash = seed.source_hash
    row.status = Status.PUBLISHED


async def seed_if_needed(db: Database, directory: Path | None = None) -> int:
    """Load the seed concepts when the base is empty or changed. Returns rows written."""
    seeds = await asyncio.to_thread(load_seed_concepts, directory)  # file I/O off the loop
    written = 0
    async with db.sessions.begin() as session:
        await locks.hold_for_transaction(session, locks.SEED)  # processes starting at once
        rows = {
            r.slug: r
            for r in await session.scalars(select(Concept).where(Concept.guild_id == BASE_GUILD_ID))
        }
        for seed in seeds:
            row = rows.pop(seed.slug, None)
            if row is None:
                row = Concept(guild_id=BASE_GUILD_ID, slug=seed.slug)
                _apply(row, seed)
                session.add(row)
                written += 1
            elif row.source_hash != seed.source_hash or row.status != Status.PUBLISHED:
                _apply(row, seed)
                written += 1
        for gone in rows.values():  # base concepts whose file disappeared
            if gone.status != Status.HIDDEN:
                gone.status = Status.HIDDEN
                written += 1
    if written:
        invalidate_concepts(db, BASE_GUILD_ID)
    return written
