"""Digest sections about activity: lookups, new concepts, pairing notes, helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select

from bot.db.models import (
    BASE_GUILD_ID,
    AuditLog,
    Concept,
    ConceptLookup,
    MissedLookup,
    Solution,
    SolutionHelped,
    Takeaway,
    TakeawayVote,
)
from bot.services.digest.model import Counted, DigestItem, Helper
from bot.services.digest.queries import PUBLISHED, Query

LOOKUPS_MAX = 5
NEW_CONCEPTS_MAX = 5
UPDATED_SCAN_MAX = 200  # audit rows read for "updated concepts" (a week's edits, bounded)
PAIRING_NOTES_MAX = 2
HELPERS_MAX = 5
HELPER_CANDIDATES = 50


class ActivityQueries(Query):
    async def looked_up(self) -> tuple[Counted, ...]:
        lk = ConceptLookup
        n = func.count().label("n")
        top = (
            select(lk.concept_id, n)
            .where(
                lk.guild_id == self.guild_id, lk.created_at >= self.start, lk.created_at < self.end
            )
            .group_by(lk.concept_id)
            .order_by(n.desc(), lk.concept_id)
            .limit(LOOKUPS_MAX)
            .subquery()
        )
        rows = await self._rows(
            "q8",
            lambda: (
                select(Concept.name, top.c.n)
                .join(top, top.c.concept_id == Concept.id)
                .where(
                    Concept.status == PUBLISHED,
                    or_(Concept.guild_id == BASE_GUILD_ID, Concept.guild_id == self.guild_id),
                )
                .order_by(top.c.n.desc(), Concept.name)
            ),
        )
        return tuple(Counted(r[0], int(r[1])) for r in rows)

    async def missed(self) -> tuple[Counted, ...]:
        m = MissedLookup
        key = func.lower(m.query)
        n = func.count().label("n")
        rows = await self._rows(
            "q9",
            lambda: (
                select(func.min(m.query), n)
                .where(
                    m.guild_id == self.guild_id, m.created_at >= self.start, m.created_at < self.end
                )
                .group_by(key)
                .order_by(n.desc(), key)
                .limit(LOOKUPS_MAX)
            ),
        )
        return tuple(Counted(r[0], int(r[1])) for r in rows)

    def _approved_this_week(self) -> Any:
        """Ids of this server's concepts a moderator published this week (suggested earlier)."""
        a = AuditLog
        return select(a.entry_id).where(
            a.guild_id == self.guild_id,
            self._week(a.created_at),
            a.action == "approve",
            a.entry_kind == "concept",
        )

    def _is_new(self) -> Any:
        # New: the server's own concept (not an override of a base one, which a server's
        # first edit or feature of a base concept creates) that appeared this week.
        k = Concept
        return and_(
            k.overrides_id.is_(None),
            or_(self._week(k.created_at), k.id.in_(self._approved_this_week())),
        )

    def _new_concepts_where(self) -> Any:
        k = Concept
        return and_(
            k.guild_id == self.guild_id,
            k.status == PUBLISHED,
            k.merged_into_id.is_(None),
            self._is_new(),
        )

    async def new_concepts(self) -> tuple[DigestItem, ...]:
        k = Concept
        rows = await self._rows(
            "q10",
            lambda: (
                select(k.id, k.name, k.summary, k.author_name)
                .where(self._new_concepts_where())
                .order_by(k.created_at.desc(), k.id.desc())
                .limit(NEW_CONCEPTS_MAX)
            ),
        )
        return tuple(DigestItem("concept", r[0], _concept_text(r[1], r[2]), r[3]) for r in rows)

    def _content_edits_where(self) -> Any:
        """Audit rows of this week that changed a concept's text: a moderator's edit (an
        override of a base concept records its id as after.override_id) or an applied
        proposal (after.concept_id). Featuring, verifying or hiding changes no text."""
        a = AuditLog
        return and_(
            a.guild_id == self.guild_id,
            self._week(a.created_at),
            or_(
                and_(a.action == "edit", a.entry_kind == "concept"),
                and_(a.action == "approve", a.entry_kind == "concept_edit"),
            ),
        )

    async def updated_concepts(self) -> tuple[tuple[DigestItem, ...], int]:
        """Concepts whose text changed this week and that are not new, newest change first
        (with who changed them), and how many there are."""
        a, k = AuditLog, Concept
        edits = await self._rows(
            "q10u",
            lambda: (
                select(a.entry_kind, a.entry_id, a.after, a.actor_name)
                .where(self._content_edits_where())
                .order_by(a.created_at.desc(), a.id.desc())
                .limit(UPDATED_SCAN_MAX)
            ),
        )
        editors: dict[int, str] = {}
        for kind, entry_id, after, actor in edits:
            after = after if isinstance(after, dict) else {}
            target = after.get("concept_id") if kind == "concept_edit" else after.get("override_id")
            target = target or (entry_id if kind == "concept" else None)
            if isinstance(target, int):
                editors.setdefault(target, actor)
        if not editors:
            return (), 0
        rows = await self._rows(
            "q10v",
            lambda: select(k.id, k.name, k.summary).where(
                k.id.in_(bindparam("ids", expanding=True)),
                k.guild_id == self.guild_id,
                k.status == PUBLISHED,
                k.merged_into_id.is_(None),
                ~self._is_new(),
            ),
            ids=sorted(editors),
        )
        order = {cid: i for i, cid in enumerate(editors)}
        rows.sort(key=lambda r: order[r[0]])
        items = tuple(
            DigestItem("concept", r[0], _concept_text(r[1], r[2]), editors[r[0]])
            for r in rows[:NEW_CONCEPTS_MAX]
        )
        return items, len(rows)

    async def pairing_notes(self) -> tuple[DigestItem, ...]:
        t = Takeaway
        notes = await self._rows(
            "q11",
            lambda: (
                select(t.id, t.body, t.author_name, t.votes)
                .where(self._recent(t), t.created_at >= self.start, t.source == "pairing")
                .order_by(t.votes.desc(), t.created_at.desc())
                .limit(PAIRING_NOTES_MAX)
            ),
        )
        return tuple(DigestItem("takeaway", r[0], r[1], r[2], r[3]) for r in notes)

    async def helpers(self, probe: dict[str, Any]) -> tuple[Helper, ...]:
        so, t = Solution, Takeaway
        n = func.count().label("n")
        accepted = (
            []
            if not probe["solved"]
            else await self._rows(
                "q12",
                lambda: (
                    select(so.author_id, func.max(so.author_name), n)
                    .where(
                        self._recent(so),
                        so.accepted.is_(True),
                        so.accepted_at >= self.start,
                        so.accepted_at < self.end,
                    )
                    .group_by(so.author_id)
                    .order_by(n.desc())
                    .limit(HELPER_CANDIDATES)
                ),
            )
        )
        helped = (
            []
            if not probe["helped"]
            else await self._rows(
                "q13",
                lambda: (
                    select(so.author_id, func.max(so.author_name), n)
                    .join(SolutionHelped, SolutionHelped.solution_id == so.id)
                    .where(
                        self._recent(so),
                        SolutionHelped.created_at >= self.start,
                        SolutionHelped.created_at < self.end,
                        SolutionHelped.user_id != so.author_id,
                    )
                    .group_by(so.author_id)
                    .order_by(n.desc())
                    .limit(HELPER_CANDIDATES)
                ),
            )
        )
        votes = (
            []
            if not probe["votes"]
            else await self._rows(
                "q14",
                lambda: (
                    select(t.author_id, func.max(t.author_name), n)
                    .join(TakeawayVote, TakeawayVote.takeaway_id == t.id)
                    .where(
                        self._recent(t),
                        TakeawayVote.created_at >= self.start,
                        TakeawayVote.created_at < self.end,
                        TakeawayVote.user_id != t.author_id,
                    )
                    .group_by(t.author_id)
                    .order_by(n.desc())
                    .limit(HELPER_CANDIDATES)
                ),
            )
        )
        names: dict[int, str] = {}
        tally: dict[int, list[int]] = {}
        for index, rows in enumerate((accepted, helped, votes)):
            for author_id, name, count in rows:
                names.setdefault(author_id, name)
                tally.setdefault(author_id, [0, 0, 0])[index] += int(count)
        ranked = sorted(
            (Helper(names[a], *counts) for a, counts in tally.items()),
            key=lambda h: (-h.score, -h.accepted, h.name.lower()),
        )
        return tuple(ranked[:HELPERS_MAX])


def _concept_text(name: str, summary: str | None) -> str:
    return f"{name}: {summary}" if summary else name
