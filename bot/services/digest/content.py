"""Gather one server's digest for a period: a bounded number of aggregate queries.

Every query filters on guild_id and status='published', ranges over the existing
(guild_id, status, created_at) indexes and ends in a LIMIT, so the cost of a digest does
not grow with the number of entries beyond one index range scan per section. Activity
that happens this week to older entries (an accepted solution, a vote, a "helped me")
is counted for entries created within LOOKBACK, which keeps those scans bounded too.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select

from bot.db import Database
from bot.db.models import (
    AuditLog,
    Challenge,
    ChallengeConcept,
    Concept,
    ConceptLookup,
    MissedLookup,
    Pair,
    PairRound,
    Solution,
    SolutionHelped,
    Takeaway,
    TakeawayVote,
)
from bot.services import concepts
from bot.services.digest.activity import ActivityQueries
from bot.services.digest.model import (
    Digest,
    DigestItem,
    OpenChallenge,
    PairingSummary,
    SolvedChallenge,
    TrackGroup,
)
from bot.services.digest.queries import PUBLISHED, DigestStatements

FEATURED_MAX = 5
TOP_TAKEAWAYS_MAX = 5
SOLVED_MAX = 5
OPEN_FETCH = 30
OPEN_PER_TRACK = 3
TRACK_ORDER = ("frontend", "backend", "fullstack", None)


async def build_digest(
    db: Database,
    guild_id: int,
    start: datetime,
    end: datetime,
    period_key: str,
    timezone: str = "UTC",
) -> Digest:
    """Everything published in [start, end) for one server, ranked for learning."""
    await concepts.flush_lookup_log(db)  # lookup statistics are buffered for up to a second
    async with db.reader() as s:
        g = _Gather(s, guild_id, start, end, db.part(DigestStatements))
        # One probe first: a quiet or sparse server costs one or a few queries, not twenty.
        p = await g.probe()
        featured = await g.featured() if p["featured"] else ()
        seen = {(i.kind, i.id) for i in featured}
        top = await g.top_takeaways(seen) if p["takeaways"] else ()
        solved = await g.solved() if p["solved"] else ()
        open_groups = await g.open_challenges() if p["open"] else ()
        looked_up = await g.looked_up() if p["looked"] else ()
        missed = await g.missed() if p["missed"] else ()
        new_concepts = await g.new_concepts() if p["new"] else ()
        updated, updated_total = await g.updated_concepts() if p["updated"] else ((), 0)
        notes = await g.pairing_notes() if p["takeaways"] else ()
        helpers = await g.helpers(p) if p["solved"] or p["helped"] or p["votes"] else ()
    pairing = PairingSummary(int(p["pairs"] or 0), int(p["met"] or 0), notes, int(p["asked"] or 0))
    open_total, new_total = int(p["open"] or 0), int(p["new"] or 0)
    return Digest(
        guild_id=guild_id,
        period_key=period_key,
        start=start,
        end=end,
        timezone=timezone,
        featured=featured,
        top_takeaways=top,
        solved=solved,
        open_by_track=open_groups,
        open_total=open_total,
        looked_up=looked_up,
        missed=missed,
        new_concepts=new_concepts,
        new_concepts_total=new_total,
        updated_concepts=updated,
        updated_concepts_total=updated_total,
        pairing=pairing,
        helpers=helpers,
    )


def _track_of_concept(tracks: str | None) -> str | None:
    value = (tracks or "").strip().lower()
    if value in ("both", "fullstack", "full-stack"):
        return "fullstack"
    if value in ("frontend", "backend"):
        return value
    return None


def _normalise_track(track: str | None) -> str | None:
    return _track_of_concept(track)


class _Gather(ActivityQueries):
    async def probe(self) -> dict[str, Any]:
        t, c, so, k = Takeaway, Challenge, Solution, Concept
        hv, tv, p = SolutionHelped, TakeawayVote, Pair

        def exists(*where: Any, frm: Any = None, join: Any = None) -> Any:
            stmt = select(1).select_from(frm)
            if join is not None:
                stmt = stmt.join(*join)
            return stmt.where(*where).exists()

        row = (
            await self._execute(
                "probe",
                lambda: select(
                    or_(
                        exists(self._recent(t), t.featured.is_(True), self._touched(t), frm=t),
                        exists(self._recent(c), c.featured.is_(True), self._touched(c), frm=c),
                        exists(self._recent(so), so.featured.is_(True), self._touched(so), frm=so),
                        exists(
                            k.guild_id == self.guild_id,
                            k.status == PUBLISHED,
                            k.featured.is_(True),
                            k.created_at < self.end,
                            self._touched(k),
                            frm=k,
                        ),
                    ).label("featured"),
                    exists(self._recent(t), t.created_at >= self.start, frm=t).label("takeaways"),
                    exists(
                        self._recent(so), so.accepted.is_(True), self._week(so.accepted_at), frm=so
                    ).label("solved"),
                    select(func.count())
                    .select_from(c)
                    .where(self._open_where())
                    .scalar_subquery()
                    .label("open"),
                    exists(
                        ConceptLookup.guild_id == self.guild_id,
                        self._week(ConceptLookup.created_at),
                        frm=ConceptLookup,
                    ).label("looked"),
                    exists(
                        MissedLookup.guild_id == self.guild_id,
                        self._week(MissedLookup.created_at),
                        frm=MissedLookup,
                    ).label("missed"),
                    select(func.count())
                    .select_from(k)
                    .where(self._new_concepts_where())
                    .scalar_subquery()
                    .label("new"),
                    exists(self._content_edits_where(), frm=AuditLog).label("updated"),
                    select(func.count())
                    .select_from(p)
                    .where(p.guild_id == self.guild_id, self._week(p.created_at))
                    .scalar_subquery()
                    .label("pairs"),
                    select(func.count())
                    .select_from(p)
                    .join(PairRound, PairRound.id == p.round_id)
                    .where(self._asked_where(), p.outcome == "met")
                    .scalar_subquery()
                    .label("met"),
                    select(func.count())
                    .select_from(p)
                    .join(PairRound, PairRound.id == p.round_id)
                    .where(self._asked_where())
                    .scalar_subquery()
                    .label("asked"),
                    exists(
                        self._recent(so),
                        self._week(hv.created_at),
                        frm=so,
                        join=(hv, hv.solution_id == so.id),
                    ).label("helped"),
                    exists(
                        self._recent(t),
                        self._week(tv.created_at),
                        frm=t,
                        join=(tv, tv.takeaway_id == t.id),
                    ).label("votes"),
                ),
            )
        ).one()
        return dict(row._mapping)

    def _asked_where(self) -> Any:
        """Pairs whose round asked "did you meet?" in the window (midway or end check-in)."""
        p, r = Pair, PairRound
        return and_(
            p.guild_id == self.guild_id,
            p.created_at >= self.since,
            p.created_at < self.end,
            or_(self._week(r.midpoint_at), self._week(r.ends_at)),
        )

    async def featured(self) -> tuple[DigestItem, ...]:
        items: list[tuple[datetime, DigestItem]] = []
        t, c, so = Takeaway, Challenge, Solution
        for row in await self._rows(
            "q0",
            lambda: (
                select(t.id, t.body, t.author_name, t.votes, t.created_at)
                .where(self._recent(t), t.featured.is_(True), self._touched(t))
                .order_by(t.created_at.desc())
                .limit(FEATURED_MAX)
            ),
        ):
            items.append((row[4], DigestItem("takeaway", row[0], row[1], row[2], row[3])))
        for row in await self._rows(
            "q1",
            lambda: (
                select(c.id, c.title, c.author_name, c.jump_url, c.created_at)
                .where(self._recent(c), c.featured.is_(True), self._touched(c))
                .order_by(c.created_at.desc())
                .limit(FEATURED_MAX)
            ),
        ):
            items.append((row[4], DigestItem("challenge", row[0], row[1], row[2], url=row[3])))
        for row in await self._rows(
            "q2",
            lambda: (
                select(so.id, so.body, so.author_name, so.jump_url, so.created_at)
                .where(self._recent(so), so.featured.is_(True), self._touched(so))
                .order_by(so.created_at.desc())
                .limit(FEATURED_MAX)
            ),
        ):
            items.append((row[4], DigestItem("solution", row[0], row[1], row[2], url=row[3])))
        k = Concept
        for row in await self._rows(
            "q3",
            lambda: (
                select(k.id, k.name, k.summary, k.author_name, k.created_at)
                .where(
                    k.guild_id == self.guild_id,
                    k.status == PUBLISHED,
                    k.featured.is_(True),
                    k.merged_into_id.is_(None),
                    k.created_at < self.end,
                    self._touched(k),
                )
                .order_by(k.created_at.desc())
                .limit(FEATURED_MAX)
            ),
        ):
            text = f"{row[1]}: {row[2]}" if row[2] else row[1]
            items.append((row[4], DigestItem("concept", row[0], text, row[3])))
        items.sort(key=lambda pair: pair[0], reverse=True)
        return tuple(item for _, item in items[:FEATURED_MAX])

    async def top_takeaways(self, seen: set[tuple[str, int]]) -> tuple[DigestItem, ...]:
        t = Takeaway
        rows = await self._rows(
            "q4",
            lambda: (
                select(t.id, t.body, t.author_name, t.votes)
                .where(self._recent(t), t.created_at >= self.start)
                .order_by(t.votes.desc(), t.created_at.asc(), t.id.asc())
                .limit(TOP_TAKEAWAYS_MAX + FEATURED_MAX)
            ),
        )
        out = [
            DigestItem("takeaway", r[0], r[1], r[2], r[3])
            for r in rows
            if ("takeaway", r[0]) not in seen
        ]
        return tuple(out[:TOP_TAKEAWAYS_MAX])

    async def solved(self) -> tuple[SolvedChallenge, ...]:
        # Two small queries instead of a join: the join's plan depends on statistics a
        # freshly loaded PostgreSQL table does not have yet, and was seconds without them.
        so, c = Solution, Challenge
        accepted = await self._rows(
            "solved",
            lambda: (
                select(so.challenge_id, so.body, so.author_name, so.jump_url, so.id)
                .where(
                    self._recent(so),
                    so.accepted.is_(True),
                    self._week(so.accepted_at),
                )
                .order_by(so.accepted_at.desc(), so.id.desc())
                .limit(SOLVED_MAX * 3)
            ),
        )
        if not accepted:
            return ()
        challenges = {
            r[0]: r
            for r in await self._rows(
                "solved_challenges",
                lambda: select(c.id, c.title, c.author_name, c.jump_url).where(
                    c.guild_id == self.guild_id,
                    c.status == PUBLISHED,
                    c.id.in_(bindparam("ids", expanding=True)),
                    self._consenting(c),
                ),
                ids=sorted({r[0] for r in accepted}),
            )
        }
        out: dict[int, SolvedChallenge] = {}
        for cid, body, solver, url, sid in accepted:
            ch = challenges.get(cid)
            if ch is not None and cid not in out:
                out[cid] = SolvedChallenge(cid, ch[1], ch[2], ch[3], body, solver, url, sid)
        return tuple(out.values())[:SOLVED_MAX]

    def _open_where(self) -> Any:
        c = Challenge
        return and_(
            c.guild_id == self.guild_id,
            c.status == PUBLISHED,
            c.created_at >= self.open_since,
            c.created_at < self.end,
            c.solved.is_(False),
            c.merged_into_id.is_(None),
            self._consenting(c),
        )

    async def open_challenges(self) -> tuple[TrackGroup, ...]:
        c = Challenge
        rows = await self._rows(
            "q6",
            lambda: (
                select(c.id, c.title, c.author_name, c.jump_url, c.track)
                .where(self._open_where())
                .order_by(c.created_at.desc())
                .limit(OPEN_FETCH)
            ),
        )
        tracks: dict[int, str | None] = {r[0]: _normalise_track(r[4]) for r in rows}
        untracked = [cid for cid, tr in tracks.items() if tr is None]
        if untracked:
            derived: dict[int, Counter[str]] = {}
            for cid, concept_tracks in await self._rows(
                "q7",
                lambda: (
                    select(ChallengeConcept.challenge_id, Concept.tracks)
                    .join(Concept, Concept.id == ChallengeConcept.concept_id)
                    .where(ChallengeConcept.challenge_id.in_(bindparam("ids", expanding=True)))
                ),
                ids=untracked,
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
        return tuple(
            TrackGroup(track, tuple(groups[track])) for track in TRACK_ORDER if track in groups
        )


def _pick_track(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    fe, be = counts.get("frontend", 0), counts.get("backend", 0)
    if fe and be:
        return "fullstack"
    return counts.most_common(1)[0][0]
