"""Pure Markdown rendering for `nexus export`: escaping and the five pages.

Everything a member wrote is escaped so it reads as plain text and cannot open a
heading, list, table, link, HTML tag or code block in the generated document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.services.concepts import ConceptDetail
from bot.services.entries import ChallengeInfo, SolutionInfo, TakeawayInfo, TakeawayKind
from bot.services.pairing import PairingStats

_INLINE = re.compile(r"([\\`*_\[\]<>|~&$])")
_LINE_START = re.compile(r"^([#+=:-])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_URL_OK = re.compile(r"^https?://[^\s<>]+$")


def esc(text: str | None) -> str:
    """One line of member text, safe anywhere inline (whitespace collapsed)."""
    line = " ".join((text or "").split())
    return _escape_line(line)


def _escape_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line.strip())
    line = _LINE_START.sub(r"\\\1", line)
    return _ORDERED.sub(r"\1\\\2", line)


def quote(text: str | None) -> str:
    """Multi-line member text as a blockquote; every line escaped."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out = [f"> {_escape_line(line)}" if line.strip() else ">" for line in lines]
    while out and out[-1] == ">":
        out.pop()
    return "\n".join(out) or ">"


def link(title: str, url: str) -> str | None:
    url = url.strip()
    if not _URL_OK.match(url):
        return None
    return f"[{esc(title) or 'link'}](<{url}>)"


def day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "unknown date"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def page(lines: Iterable[str]) -> str:
    text = "\n".join(lines).rstrip() + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


@dataclass(frozen=True)
class ChallengeEntry:
    challenge: ChallengeInfo
    solutions: tuple[SolutionInfo, ...]  # published, accepted first, then by helped


def index_md(
    concepts: int, challenges: int, solved: int, takeaways: int, stats: PairingStats
) -> str:
    return page(
        [
            "# Knowledge hub",
            "",
            "What this server's learners have curated with Nexus: published entries only.",
            "",
            f"- [Key technologies and concepts](concepts.md): {plural(concepts, 'concept')}",
            f"- [Challenges and solutions](challenges.md): {plural(challenges, 'challenge')}, "
            f"{solved} solved",
            f"- [Best practices and takeaways](takeaways.md): {plural(takeaways, 'takeaway')}",
            f"- [Collaboration](collaboration.md): {plural(stats.pairs_made, 'pair')} made",
        ]
    )


def _category_title(category: str) -> str:
    return esc(category[:1].upper() + category[1:]) if category else "Other"


def concepts_md(concepts: Sequence[ConceptDetail]) -> str:
    lines = [
        "# Key technologies and concepts",
        "",
        f"{plural(len(concepts), 'concept')} visible in this server, by category.",
        "",
    ]
    by_cat: dict[str, list[ConceptDetail]] = {}
    for c in concepts:
        by_cat.setdefault(c.category or "", []).append(c)
    for category in sorted(by_cat, key=lambda k: (k.lower(), k)):
        lines += [f"## {_category_title(category)}", ""]
        for c in sorted(by_cat[category], key=lambda x: (x.name.lower(), x.id)):
            lines += [f"### {esc(c.name)}", ""]
            meta = [f"Tracks: {esc(c.tracks)}"]
            if c.aliases:
                meta.append("also known as " + ", ".join(esc(a) for a in c.aliases))
            if not c.is_base and c.author_name:
                meta.append(f"added by {esc(c.author_name)}")
            lines += ["*" + " · ".join(meta) + "*", ""]
            if c.summary:
                lines += [esc(c.summary), ""]
            links = [x for x in (link(lk.title, lk.url) for lk in c.links) if x]
            if links:
                lines += ["Links: " + ", ".join(links), ""]
            if c.related:
                lines += ["Related: " + ", ".join(esc(r.name) for r in c.related), ""]
    return page(lines)


def _challenge_block(entry: ChallengeEntry) -> list[str]:
    c = entry.challenge
    lines = [f"### #{c.id} · {esc(c.title)}", ""]
    meta = [f"Asked by **{esc(c.author_name)}** on {day(c.created_at)}"]
    if c.concepts:
        meta.append("concepts: " + ", ".join(esc(t.name) for t in c.concepts))
    meta.append(f"solved {day(c.solved_at)}" if c.solved else "open")
    if c.jump_url and _URL_OK.match(c.jump_url):
        meta.append(f"[original message](<{c.jump_url}>)")
    lines += [" · ".join(meta), ""]
    if c.tried:
        lines += ["**What was tried**", "", quote(c.tried), ""]
    lines += ["**What went wrong**", "", quote(c.problem), ""]
    if not entry.solutions:
        lines += ["*No solution yet.*", ""]
    for s in entry.solutions:
        label = "Accepted solution" if s.accepted else "Solution"
        helped = f" · {plural(s.helped_count, 'member')} found it helpful" if s.helped_count else ""
        lines += [f"#### {label} by {esc(s.author_name)}{helped}", "", quote(s.body), ""]
    return lines


def challenges_md(entries: Sequence[ChallengeEntry]) -> str:
    solved = [e for e in entries if e.challenge.solved]
    open_ = [e for e in entries if not e.challenge.solved]
    lines = [
        "# Challenges and solutions",
        "",
        f"{plural(len(entries), 'challenge')}: {len(solved)} solved, {len(open_)} open. "
        "Accepted solutions come first, then the most helpful.",
        "",
    ]
    for title, group in (("Solved", solved), ("Open", open_)):
        lines += [f"## {title}", ""]
        if not group:
            lines += ["*None yet.*", ""]
        for entry in group:
            lines += _challenge_block(entry)
    return page(lines)


def takeaways_md(takeaways: Sequence[TakeawayInfo]) -> str:
    lines = [
        "# Best practices and takeaways",
        "",
        f"{plural(len(takeaways), 'takeaway')}, most upvoted first.",
        "",
    ]
    for kind, title in (
        (TakeawayKind.PRACTICE, "Best practices"),
        (TakeawayKind.LESSON, "Lessons learned"),
    ):
        group = [t for t in takeaways if t.kind == kind.value]
        lines += [f"## {title}", ""]
        if not group:
            lines += ["*None yet.*", ""]
        for t in group:
            meta = [
                f"**{plural(t.votes, 'upvote')}**",
                f"by {esc(t.author_name)}",
                day(t.created_at),
            ]
            if t.source == "pairing":
                meta.append("from a pairing")
            if t.concepts:
                meta.append("concepts: " + ", ".join(esc(c.name) for c in t.concepts))
            lines += [" · ".join(meta), "", quote(t.body), ""]
    return page(lines)


def collaboration_md(stats: PairingStats) -> str:
    total = sum(stats.participants.values())
    lines = [
        "# Collaboration",
        "",
        "Frontend x backend pairing in this server.",
        "",
        "## Participants per track",
        "",
        "| Track | Participants |",
        "| --- | ---: |",
    ]
    for track in sorted(stats.participants):
        lines.append(f"| {esc(track.capitalize())} | {stats.participants[track]} |")
    lines += [f"| **Total** | **{total}** |", ""]
    rate = "no follow-ups yet"
    if stats.met_rate is not None:
        rate = f"{stats.met_rate:.0%} ({stats.met} of {plural(stats.asked, 'pair')} asked)"
    lines += [
        "## Pairs",
        "",
        f"- Rounds: {stats.rounds}",
        f"- Pairs made: {stats.pairs_made}" + (f" (trios: {stats.trios})" if stats.trios else ""),
        f"- Met rate: {rate}",
        f"- Learners who sat a round out: {stats.unmatched}",
        "",
    ]
    return page(lines)
