"""Authors edit their own challenges, solutions and takeaways.

The entry keeps its status (a moderator hides it if the new text is not acceptable: every
author edit is mirrored to the mod-log and kept in the audit log with before and after).
Limits are the entries' own (what the renderers are built for), not the moderators'.
One transaction: the change and its audit row, the author as actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.db import Database
from bot.db.types import EntryKind, utcnow
from bot.errors import Invalid
from bot.services.entries import (
    PROBLEM_MAX,
    SOLUTION_MAX,
    TAKEAWAY_MAX,
    TITLE_MAX,
    TRIED_MAX,
    MentionNames,
    clean_text,
    plain_mentions,
)
from bot.services.moderation.authors import _own
from bot.services.moderation.entries import (
    Actor,
    challenge_search_text,
    entry_title,
    record_audit,
    snapshot,
)

# Per kind: field -> (label, limit, required).
AUTHOR_FIELDS: Mapping[str, Mapping[str, tuple[str, int, bool]]] = MappingProxyType(
    {
        EntryKind.CHALLENGE.value: MappingProxyType(
            {
                "title": ("The title", TITLE_MAX, True),
                "problem": ("The problem", PROBLEM_MAX, True),
                "tried": ("What you tried", TRIED_MAX, False),
            }
        ),
        EntryKind.SOLUTION.value: MappingProxyType({"body": ("The solution", SOLUTION_MAX, True)}),
        EntryKind.TAKEAWAY.value: MappingProxyType({"body": ("The takeaway", TAKEAWAY_MAX, True)}),
    }
)


@dataclass(frozen=True)
class OwnEntry:
    """An entry of the member's, as their edit form starts from."""

    kind: str
    entry_id: int
    title: str
    status: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthorEdit:
    kind: str
    entry_id: int
    title: str
    status: str
    audit_id: int
    before: dict[str, Any]
    after: dict[str, Any]


def _fields(kind: str) -> Mapping[str, tuple[str, int, bool]]:
    fields = AUTHOR_FIELDS.get(kind)
    if fields is None:
        raise Invalid("Only challenges, solutions and takeaways can be edited this way.")
    return fields


async def own_entry(
    db: Database, guild_id: int, author_id: int, kind: str, entry_id: int
) -> OwnEntry:
    """The member's own entry with its current text (else NotFound: not theirs/removed)."""
    fields = _fields(kind)
    async with db.reader() as s:
        row = await _own(s, guild_id, kind, entry_id, author_id, lock=False)
        values = {name: str(getattr(row, name) or "") for name in fields}
        return OwnEntry(kind, row.id, entry_title(kind, row), str(row.status), values)


async def edit_own(
    db: Database,
    guild_id: int,
    author: Actor,
    kind: str,
    entry_id: int,
    values: Mapping[str, str],
    *,
    names: MentionNames | None = None,
) -> AuthorEdit:
    """Change the text of the author's own entry; Invalid if nothing changed. `names`:
    for the ids a challenge's title mentions (titles show markup raw)."""
    fields = _fields(kind)
    clean: dict[str, str] = {}
    for name, value in values.items():
        if name not in fields:
            raise Invalid(f"`{name}` is not a field of a {kind}.")
        label, limit, required = fields[name]
        clean[name] = clean_text(value, label, limit, required=required)
    if "title" in clean:
        title = plain_mentions(" ".join(clean["title"].split()), names)
        clean["title"] = " ".join(title.split())[:TITLE_MAX]
    async with db.sessions.begin() as s:
        row = await _own(s, guild_id, kind, entry_id, author.id)
        current = snapshot(row, list(clean))
        changed = {k: v for k, v in clean.items() if (current[k] or "") != v}
        if not changed:
            raise Invalid("Nothing changed: your entry already says exactly that.")
        before = snapshot(row, list(changed))
        for name, value in changed.items():
            setattr(row, name, value)
        if kind == EntryKind.CHALLENGE:
            row.search_text = challenge_search_text(row)
        row.updated_at = utcnow()
        after = snapshot(row, list(changed))
        audit = await record_audit(s, guild_id, author, "edit", kind, row.id, before, after)
        status = str(row.status)
        return AuthorEdit(kind, row.id, entry_title(kind, row), status, audit.id, before, after)
