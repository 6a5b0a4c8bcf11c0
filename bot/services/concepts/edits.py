"""Members suggest concepts and edits; moderators' suggestions apply at once.

- A new concept becomes a server row whose status follows the publishing policy
  (`initial_status(..., EntryKind.CONCEPT)`; moderators publish directly).
- An edit to an existing concept becomes a pending ConceptEdit, unless a moderator
  submits it: then it is applied at once. Editing a base concept never touches the base
  or other servers: it creates (or updates) this server's override row.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import AuditLog, Concept, ConceptEdit
from bot.db.types import EntryKind, Status, utcnow
from bot.errors import Conflict, Invalid, NotFound
from bot.services import guilds
from bot.services.concepts.guild_index import GuildIndex
from bot.services.concepts.index import index_for
from bot.services.concepts.service import CATEGORIES, TRACKS, guild_concept, resolve_visible
from bot.services.concepts.types import ConceptDraft, ConceptLink, PendingEdit, SuggestResult
from bot.services.guilds import initial_status

NAME_MIN, NAME_MAX = 2, 80
SUMMARY_MAX = 200
BODY_MAX = 4000  # a Discord text input holds at most 4000 characters; seed entries up to that
ALIASES_MAX, ALIAS_MAX = 10, 50
LINKS_MAX, LINK_TITLE_MAX, URL_MAX = 5, 80, 512
ALIASES_INPUT_MAX = 400
LINKS_INPUT_MAX = 1500
DEFAULT_CATEGORY, DEFAULT_TRACKS = "technology", "both"
EDIT_FIELDS = ("name", "summary", "body", "aliases", "links", "category", "tracks")
_URL = re.compile(r"^https?://[^\s<>]+$")


def slugify(name: str) -> str:
    slug = re.sub(r"[\W_]+", "-", name.casefold()).strip("-")
    return slug[:100].strip("-") or "concept"


def _required(value: str, label: str, limit: int, minimum: int = 1) -> str:
    if not value.strip():
        raise Invalid(f"The {label} can't be empty.")
    if len(value) > limit:
        raise Invalid(f"The {label} is {len(value)} characters; keep it to {limit}.")
    if len(value.strip()) < minimum:
        raise Invalid(f"The {label} needs at least {minimum} characters.")
    return value.strip()


def parse_draft(
    name: str,
    summary: str,
    body: str,
    aliases: str = "",
    links: str = "",
    *,
    category: str | None = None,
    tracks: str | None = None,
) -> ConceptDraft:
    """Validate what a member typed into the suggest modal. Raises Invalid, writes nothing."""
    clean_name = _required(" ".join(name.split()), "name", NAME_MAX, NAME_MIN)
    if not re.search(r"\w", clean_name):
        raise Invalid("The name needs at least one letter or digit.")
    clean_summary = _required(" ".join(summary.split()), "summary", SUMMARY_MAX)
    clean_body = _required(body.replace("\r\n", "\n"), "body", BODY_MAX)
    if len(aliases) > ALIASES_INPUT_MAX:
        raise Invalid(f"Aliases: keep the list to {ALIASES_INPUT_MAX} characters.")
    alias_list: list[str] = []
    for raw in aliases.split(","):
        alias = " ".join(raw.split())
        if not alias or alias.casefold() == clean_name.casefold():
            continue
        if len(alias) > ALIAS_MAX:
            raise Invalid(f"Alias `{alias[:ALIAS_MAX]}…` is too long (max {ALIAS_MAX}).")
        if alias.casefold() not in {a.casefold() for a in alias_list}:
            alias_list.append(alias)
    if len(alias_list) > ALIASES_MAX:
        raise Invalid(f"Give at most {ALIASES_MAX} aliases.")
    if len(links) > LINKS_INPUT_MAX:
        raise Invalid(f"Links: keep them to {LINKS_INPUT_MAX} characters.")
    link_list = [_parse_link(line) for line in links.splitlines() if line.strip()]
    if len(link_list) > LINKS_MAX:
        raise Invalid(f"Give at most {LINKS_MAX} links, one per line.")
    if category is not None and category not in CATEGORIES:
        raise Invalid(f"Category must be one of: {', '.join(CATEGORIES)}.")
    if tracks is not None and tracks not in TRACKS:
        raise Invalid(f"Track must be one of: {', '.join(TRACKS)}.")
    return ConceptDraft(
        clean_name,
        clean_summary,
        clean_body,
        tuple(alias_list),
        tuple(link_list),
        category,
        tracks,
    )


def _parse_link(line: str) -> ConceptLink:
    """`Title | https://url` or just `https://url`."""
    title, _, url = line.rpartition("|") if "|" in line else ("", "", line)
    url, title = url.strip(), " ".join(title.split())
    if not _URL.match(url) or len(url) > URL_MAX:
        raise Invalid(
            f"`{line.strip()[:80]}` is not a link: write one per line as "
            "`Title | https://…` or just `https://…`."
        )
    title = title[:LINK_TITLE_MAX] or url.split("//", 1)[1].split("/", 1)[0][:LINK_TITLE_MAX]
    return ConceptLink(title, url)


def draft_fields(draft: ConceptDraft) -> dict[str, Any]:
    """The draft as ConceptEdit.proposed / Concept column values (lists for JSON)."""
    values: dict[str, Any] = {
        "name": draft.name,
        "summary": draft.summary,
        "body": draft.body,
        "aliases": list(draft.aliases),
        "links": [{"title": link.title, "url": link.url} for link in draft.links],
    }
    if draft.category:
        values["category"] = draft.category
    if draft.tracks:
        values["tracks"] = draft.tracks
    return values


def _name_clash(index: GuildIndex, names: list[str], own_ids: set[int]) -> None:
    for name in names:
        found = index.find_exact(name) if name else None
        if found is not None and found.id not in own_ids:
            raise Conflict(
                f"**{found.name}** already exists in this server (it matches `{name[:50]}`): "
                f"look it up with `/concept lookup`, or propose an edit with "
                f"`/concept suggest name:{found.name[:60]}`."
            )


async def _audit(
    s: AsyncSession,
    guild_id: int,
    actor_id: int,
    actor_name: str,
    action: str,
    kind: str,
    entry_id: int,
    after: dict[str, Any],
) -> None:
    s.add(
        AuditLog(
            guild_id=guild_id,
            actor_id=actor_id,
            actor_name=actor_name[:100],
            action=action,
            entry_kind=kind,
            entry_id=entry_id,
            before=None,
            after=after,
        )
    )


async def suggest_concept(
    db: Database,
    guild_id: int,
    author_id: int,
    author_name: str,
    draft: ConceptDraft,
    *,
    by_moderator: bool = False,
    source_channel_id: int | None = None,
) -> SuggestResult:
    """Create a server concept: pending or published per the server's policy."""
    config = await guilds.get_settings(db, guild_id)
    status = initial_status(
        config, EntryKind.CONCEPT, source_channel_id=source_channel_id, by_moderator=by_moderator
    )
    slug = slugify(draft.name)
    index = await index_for(db).get(db, guild_id)
    _name_clash(index, [draft.name, slug, *draft.aliases], set())
    try:
        async with db.sessions.begin() as s:
            taken = (
                await s.scalars(
                    select(Concept).where(
                        Concept.guild_id == guild_id,
                        or_(Concept.slug == slug, func.lower(Concept.name) == draft.name.lower()),
                    )
                )
            ).all()
            for row in taken:
                if row.status == Status.PENDING:
                    raise Conflict(
                        f"**{row.name}** was already suggested and is waiting for a moderator."
                    )
                if row.status != Status.REJECTED:
                    raise Conflict(f"**{row.name}** already exists in this server.")
            if any(r.slug == slug for r in taken):  # an old rejected suggestion keeps its slug
                slug = f"{slug[:90]}-{len(taken) + 1}"
            now = utcnow()
            fields = {"category": DEFAULT_CATEGORY, "tracks": DEFAULT_TRACKS, **draft_fields(draft)}
            row = Concept(
                guild_id=guild_id,
                slug=slug,
                related=[],
                status=status.value,
                author_id=author_id,
                author_name=author_name[:100],
                **fields,
            )
            if by_moderator:
                row.verified_by_id, row.verified_by_name = author_id, author_name[:100]
                row.verified_at = now
            s.add(row)
            await s.flush()
            if by_moderator:
                await _audit(
                    s,
                    guild_id,
                    author_id,
                    author_name,
                    "create",
                    "concept",
                    row.id,
                    {"name": row.name, "status": row.status},
                )
            return SuggestResult("created", row.status, row.id, row.name)
    except IntegrityError:
        raise Conflict(f"**{draft.name}** was just added by someone else.") from None


def _changes(row: Concept, proposed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in proposed.items() if k in EDIT_FIELDS and getattr(row, k) != v}


async def _apply(
    s: AsyncSession,
    guild_id: int,
    concept: Concept,
    changes: dict[str, Any],
    actor_id: int,
    actor_name: str,
) -> Concept:
    target = await guild_concept(s, guild_id, concept)
    for key, value in changes.items():
        setattr(target, key, value)
    target.status = Status.PUBLISHED.value
    target.verified_by_id, target.verified_by_name = actor_id, actor_name[:100]
    target.verified_at = utcnow()
    await s.flush()
    return target


async def propose_edit(
    db: Database,
    guild_id: int,
    concept_id: int,
    author_id: int,
    author_name: str,
    draft: ConceptDraft,
    *,
    by_moderator: bool = False,
) -> SuggestResult:
    """A member's edit → pending ConceptEdit; a moderator's edit → applied at once."""
    index = await index_for(db).get(db, guild_id)
    async with db.sessions.begin() as s:
        concept = await resolve_visible(s, guild_id, concept_id)
        if concept is None:
            raise NotFound("I don't know that concept in this server.")
        changes = _changes(concept, draft_fields(draft))
        if not changes:
            raise Invalid("That is the same as the current entry: change something first.")
        _name_clash(index, [draft.name, *draft.aliases], {concept.id})
        if by_moderator:
            target = await _apply(s, guild_id, concept, changes, author_id, author_name)
            await _audit(
                s,
                guild_id,
                author_id,
                author_name,
                "edit",
                "concept",
                target.id,
                {k: changes[k] for k in changes if k != "body"},
            )
            return SuggestResult("applied", target.status, target.id, target.name)
        mine = await s.scalar(
            select(ConceptEdit)
            .where(
                ConceptEdit.guild_id == guild_id,
                ConceptEdit.concept_id == concept.id,
                ConceptEdit.author_id == author_id,
                ConceptEdit.status == Status.PENDING,
            )
            .limit(1)
        )
        if mine is None:
            mine = ConceptEdit(
                guild_id=guild_id,
                concept_id=concept.id,
                author_id=author_id,
                author_name=author_name[:100],
                status=Status.PENDING.value,
            )
            s.add(mine)
        mine.proposed = changes  # a second proposal by the same member replaces the first
        await s.flush()
        return SuggestResult("edit_pending", mine.status, concept.id, concept.name, mine.id)


async def pending_edits(db: Database, guild_id: int, limit: int = 25) -> list[PendingEdit]:
    """This server's pending concept edits, oldest first."""
    async with db.reader() as s:
        rows = (
            await s.execute(
                select(ConceptEdit, Concept.name)
                .join(Concept, Concept.id == ConceptEdit.concept_id)
                .where(ConceptEdit.guild_id == guild_id, ConceptEdit.status == Status.PENDING)
                .order_by(ConceptEdit.created_at, ConceptEdit.id)
                .limit(limit)
            )
        ).all()
        return [
            PendingEdit(
                e.id,
                e.guild_id,
                e.concept_id,
                name,
                dict(e.proposed or {}),
                e.author_id,
                e.author_name,
                e.created_at,
            )
            for e, name in rows
        ]
