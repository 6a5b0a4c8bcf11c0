"""Gather one server's digest for a period: a bounded number of aggregate queries.

Every query filters on guild_id and status='published', ranges over the existing
(guild_id, status, created_at) indexes and ends in a LIMIT, so the cost of a digest does
not grow with the number of entries beyond one index range scan per section. Activity
that happens this week to older entries (an accepted solution, a vote, a "helped me")
is counted for entries created within LOOKBACK, which keeps those scans bounded too.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import Database
from bot.db.models import (
    BASE_GUILD_ID,
    Challenge,
    ChallengeConcept,
    Concept,
    ConceptLookup,
    MissedLookup,
    Pair,
    Solution,
    SolutionHelped,
    Takeaway,
    TakeawayVote,
)
from bot.db.types import Status
from bot.services.digest_model import (
    Counted,
    Digest,
    DigestItem,
    Helper,
    OpenChallenge,
    PairingSummary,
    SolvedChallenge,
    TrackGroup,
)

LOOKBACK = timedelta(weeks=12)
OPEN_LOOKBACK = timedelta(weeks=4)
FEATURED_MAX = 5
TOP_TAKEAWAYS_MAX = 5
SOLVED_MAX = 5
OPEN_FETCH = 30
OPEN_PER_TRACK = 3
LOOKUPS_MAX = 5
NEW_CONCEPTS_MAX = 5
PAIRING_NOTES_MAX = 2
HELPERS_MAX = 5
HELPER_CANDIDATES = 50
TRACK_ORDER = ("frontend", "backend", "fullstack", None)

PUBLISHED = Status.PUBLISHED.value


async def build_digest(db: Database, guild_id: int, start: datetime, end: datetime,
                       period_key: str, timezone: str = "UTC") -> Digest:
    """Everything published in [start, end) for one server, ranked for learning."""
    async with db.reader() as s:
        g = _Gather(s, guild_id, start, end)
        featured = await g.featured()
        seen = {(i.kind, i.id) for i in featured}
        top = await g.top_takeaways(seen)
        solved = await g.solved()
        open_groups, open_total = await g.open_challenges()
        looked_up = await g.looked_up()
        missed = await g.missed()
        new_concepts, new_total = await g.new_concepts()
        pairing = await g.pairing()
        helpers = await g.helpers()
    return Digest(
        guild_id=guild_id, period_key=period_key, start=start, end=end, timezone=timezone,
        featured=featured, top_takeaways=top, solved=solved, open_by_track=open_groups,
        open_total=open_total, looked_up=looked_up, missed=missed, new_concepts=new_concepts,
        new_concepts_total=new_total, pairing=pairing, helpers=helpers,
    )  # fmt: skip


def _track_of_concept(tracks: str | None) -> str | None:
    value = (tracks or "").strip().lower()
    if value in ("both", "fullstack", "full-stack"):
        return "fullstack"
    if value in ("frontend", "backend"):
        return value
    return None


def _normalise_track(track: str | None) -> str | None:
    return _track_of_concept(track)


class _Gather:
    def __init__(self, s: AsyncSession, guild_id: int, start: datetime, end: datetime) -> None:
        self.s, self.guild_id, self.start, self.end = s, guild_id, start, end

    async def _rows(self, stmt: Any) -> list[Any]:
        return list((await self.s.execute(stmt)).all())

    def _recent(self, model: Any) -> Any:
        """Published rows of this server created in [start - LOOKBACK, end)."""
        return and_(
            model.guild_id == self.guild_id,
            model.status == PUBLISHED,
            model.created_at >= self.start - LOOKBACK,
            model.created_at < self.end,
        )

    def _touched(self, model: Any) -> Any:
        # Created this week, or featured (edited) this week.
        return or_(
            model.created_at >= self.start,
            and_(model.updated_at >= self.start, model.updated_at < self.end),
        )

    async def featured(self) -> tuple[DigestItem, ...]:
        items: list[tuple[datetime, DigestItem]] = []
        t, c, so = Takeaway, Challenge, Solution
        for row in await self._rows(
            select(t.id, t.body, t.author_name, t.votes, t.created_at)
            .where(self._recent(t), t.featured.is_(True), self._touched(t))
            .order_by(t.created_at.desc()).limit(FEATURED_MAX)
        ):
            items.append((row[4], DigestItem("takeaway", row[0], row[1], row[2], row[3])))
        for row in await self._rows(
            select(c.id, c.title, c.author_name, c.jump_url, c.created_at)
            .where(self._recent(c), c.featured.is_(True), self._touched(c))
            .order_by(c.created_at.desc()).limit(FEATURED_MAX)
        ):
            items.append((row[4], DigestItem("challenge", row[0], row[1], row[2], url=row[3])))
        for row in await self._rows(
            select(so.id, so.body, so.author_name, so.jump_url, so.created_at)
            .where(self._recent(so), so.featured.is_(True), self._touched(so))
            .order_by(so.created_at.desc()).limit(FEATURED_MAX)
        ):
            items.append((row[4], DigestItem("solution", row[0], row[1], row[2], url=row[3])))
        k = Concept
        for row in await self._rows(
            select(k.id, k.name, k.summary, k.author_name, k.created_at)
            .where(
                k.guild_id == self.guild_id, k.status == PUBLISHED, k.featured.is_(True),
                k.merged_into_id.is_(None), k.created_at < self.end, self._touched(k),
            )
            .order_by(k.created_at.desc()).limit(FEATURED_MAX)
        ):
            text = f"{row[1]}: {row[2]}" if row[2] else row[1]
            items.append((row[4], DigestItem("concept", row[0], text, row[3])))
        items.sort(key=lambda pair: pair[0], reverse=True)
        return tuple(item for _, item in items[:FEATURED_MAX])

    async def top_takeaways(self, seen: set[tuple[str, int]]) -> tuple[DigestItem, ...]:
        t = Takeaway
        rows = await self._rows(
            select(t.id, t.body, t.author_name, t.votes)
            .where(self._recent(t), t.created_at >= self.start)
            .order_by(t.votes.desc(), t.created_at.asc(), t.id.asc())
            .limit(TOP_TAKEAWAYS_MAX + FEATURED_MAX)
        )
        out = [DigestItem("takeaway", r[0], r[1], r[2], r[3]) for r in rows
               if ("takeaway", r[0]) not in seen]
        return tuple(out[:TOP_TAKEAWAYS_MAX])

    async def solved(self) -> tuple[SolvedChallenge, ...]:
        so, c = Solution, Challenge
        rows = await self._rows(
            select(c.id, c.title, c.author_name, c.jump_url, so.body, so.author_name,
                   so.jump_url)
            .join(c, and_(c.id == so.challenge_id, c.guild_id == self.guild_id))
            .where(
                self._recent(so), so.accepted.is_(True),
                so.accepted_at >= self.start, so.accepted_at < self.end,
                c.status == PUBLISHED,
            )
            .order_by(so.accepted_at.desc()).limit(SOLVED_MAX)
        )
        return tuple(SolvedChallenge(*r) for r in rows)

    async def open_challenges(self) -> tuple[tuple[TrackGroup, ...], int]:
        c = Challenge
        where = and_(
            c.guild_id == self.guild_id, c.status == PUBLISHED,
            c.created_at >= self.start - OPEN_LOOKBACK, c.created_at < self.end,
            c.solved.is_(False), c.merged_into_id.is_(None),
        )
        total = int(await self.s.scalar(select(func.count()).select_from(c).where(where)) or 0)
        if not total:
            return (), 0
        rows = await self._rows(
            select(c.id, c.title, c.author_name, c.jump_url, c.track)
            .where(where).order_by(c.created_at.desc()).limit(OPEN_FETCH)
        )
        tracks: dict[int, str | None] = {r[0]: _normalise_track(r[4]) for r in rows}
        untracked = [cid for cid, tr in tracks.items() if tr is None]
        if untracked:
            derived: dict[int, Counter[str]] = {}
            for cid, concept_tracks in await self._rows(
                select(ChallengeConcept.challenge_id, Concept.tracks)
                .join(Concept, Concept.id == ChallengeConcept.concept_id)
                .where(ChallengeConcept.challenge_id.in_(untracked))
            ):
                track = _track_of_concept(concept_tracks)
                if track:
                    derived.setdefault(cid, Counter())[track] += 1
            for cid, counts in derived.items():
                tracks[cid] = _pick_track(counts)
        groups: dict[str | None, list[OpenChallenge]] = {}
        for r in rows:
            group = groups.setdefault(tracks[r[0]], [])
            if len(group) < OPEN_PER_TRACK:
                group.append(OpenChallenge(r[0], r[1], r[2], r[3]))
        ordered = tuple(
            TrackGroup(track, tuple(groups[track])) for track in TRACK_ORDER if track in groups
        )
        return ordered, total

    async def looked_up(self) -> tuple[Counted, ...]:
        lk = ConceptLookup
        n = func.count().label("n")
        top = (
            select(lk.concept_id, n)
            .where(lk.guild_id == self.guild_id, lk.created_at >= self.start,
                   lk.created_at < self.end)
            .group_by(lk.concept_id).order_by(n.desc(), lk.concept_id)
            .limit(LOOKUPS_MAX).subquery()
        )
        rows = await self._rows(
            select(Concept.name, top.c.n)
            .join(top, top.c.concept_id == Concept.id)
            .where(Concept.status == PUBLISHED,
                   Concept.guild_id.in_((BASE_GUILD_ID, self.guild_id)))
            .order_by(top.c.n.desc(), Concept.name)
        )
        return tuple(Counted(r[0], int(r[1])) for r in rows)

    async def missed(self) -> tuple[Counted, ...]:
        m = MissedLookup
        key = func.lower(m.query)
        n = func.count().label("n")
        rows = await self._rows(
            select(func.min(m.query), n)
            .where(m.guild_id == self.guild_id, m.created_at >= self.start,
                   m.created_at < self.end)
            .group_by(key).order_by(n.desc(), key).limit(LOOKUPS_MAX)
        )
        return tuple(Counted(r[0], int(r[1])) for r in rows)

    async def new_concepts(self) -> tuple[tuple[DigestItem, ...], int]:
        k = Concept
        rows = await self._rows(
            select(k.id, k.name, k.summary, k.author_name, func.count().over())
            .where(k.guild_id == self.guild_id, k.status == PUBLISHED,
                   k.merged_into_id.is_(None),
                   k.created_at >= self.start, k.created_at < self.end)
            .order_by(k.created_at.desc(), k.id.desc()).limit(NEW_CONCEPTS_MAX)
        )
        items = tuple(
            DigestItem("concept", r[0], f"{r[1]}: {r[2]}" if r[2] else r[1], r[3]) for r in rows
        )
        return items, int(rows[0][4]) if rows else 0

    async def pairing(self) -> PairingSummary:
        p = Pair
        counts = (await self.s.execute(
            select(func.count(), func.sum(case((p.outcome == "met", 1), else_=0)))
            .where(p.guild_id == self.guild_id, p.created_at >= self.start,
                   p.created_at < self.end)
        )).one()
        t = Takeaway
        notes = await self._rows(
            select(t.id, t.body, t.author_name, t.votes)
            .where(self._recent(t), t.created_at >= self.start, t.source == "pairing")
            .order_by(t.votes.desc(), t.created_at.desc()).limit(PAIRING_NOTES_MAX)
        )
        return PairingSummary(
            int(counts[0] or 0), int(counts[1] or 0),
            tuple(DigestItem("takeaway", r[0], r[1], r[2], r[3]) for r in notes),
        )

    async def helpers(self) -> tuple[Helper, ...]:
        so, t = Solution, Takeaway
        n = func.count().label("n")
        accepted = await self._rows(
            select(so.author_id, func.max(so.author_name), n)
            .where(self._recent(so), so.accepted.is_(True),
                   so.accepted_at >= self.start, so.accepted_at < self.end)
            .group_by(so.author_id).order_by(n.desc()).limit(HELPER_CANDIDATES)
        )
        helped = await self._rows(
            select(so.author_id, func.max(so.author_name), n)
            .join(SolutionHelped, SolutionHelped.solution_id == so.id)
            .where(self._recent(so), SolutionHelped.created_at >= self.start,
                   SolutionHelped.created_at < self.end,
                   SolutionHelped.user_id != so.author_id)
            .group_by(so.author_id).order_by(n.desc()).limit(HELPER_CANDIDATES)
        )
        votes = await self._rows(
            select(t.author_id, func.max(t.author_name), n)
            .join(TakeawayVote, TakeawayVote.takeaway_id == t.id)
            .where(self._recent(t), TakeawayVote.created_at >= self.start,
                   TakeawayVote.created_at < self.end, TakeawayVote.user_id != t.author_id)
            .group_by(t.author_id).order_by(n.desc()).limit(HELPER_CANDIDATES)
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


def _pick_track(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    fe, be = counts.get("frontend", 0), counts.get("backend", 0)
    if fe and be:
        return "fullstack"
    return counts.most_common(1)[0][0]
