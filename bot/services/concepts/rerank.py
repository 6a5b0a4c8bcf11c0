"""How `/concept search` reorders the database's candidates (step 4 of ranking.py).

Each candidate's score is the database's relevance (a share of the best candidate's),
plus:
- a name or alias the query spells out (as a phrase of its words; the parts of an
  identifier count: "JSONDecodeError" spells out "json"), worth more the more of the
  query it is; one word of a long text counts fully only when the text names it as
  code, and a concept of the other track than the one the query names gets half;
- the query's words that its name and aliases (fully) or summary (partly) hold, each
  weighted by how rare the word is in the knowledge base (corpus.py) and doubled when
  it looks like code (`code_words`: identifiers, ALL-CAPS, dotted paths);
- the concepts that hold every telling word, when only some do;
- a tie-break for the track whose tools the query names ("react", "django");
- the share of the query's words that one of the questions the entry says it answers
  holds (asked.py: its "Learners ask:" line), weighted like the coverage;
- for a pasted error, the share of its words in phrases the concept's body quotes
  (verbatim.py: the entry whose "Common errors" list has the message).
Weak hits (below WEAK of the best by relevance, spelling out nothing, covering less
than the best) are cut, so a natural question is answered by a few concepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple

from bot.services.concepts.asked import Questions
from bot.services.concepts.corpus import CorpusStats
from bot.services.concepts.guild_index import GuildIndex, normalise
from bot.services.concepts.ranking import CANDIDATES, Group, Scored, groups_for, named_in
from bot.services.concepts.types import ConceptBrief
from bot.services.search import (
    code_words,
    identifiers,
    meaningful,
    singular,
    word_sequence,
    words,
)

SPELLED_BASE, SPELLED_SHARE = 0.3, 0.7  # a spelled-out name: worth more the more of the query
SPELLED_SHORT_QUERY = 3  # up to this many words, a one-word name spelled out counts fully
COVERAGE_WEIGHT = 0.6  # share of the query's words in the concept's name, aliases, summary
# Fewer concepts than FEW_MATCH_ALL hold every telling word of the query: any word may
# match, and those that hold every one stay ahead by EVERY_WORD_BONUS.
EVERY_WORD_BONUS = 0.3
EVERY_MIN_SHARE = 0.5  # ... when those words are at least this share of the query's weight
ORDINARY_SHARE = 0.1  # a word in more of the concepts than this need not match
CODE_WEIGHT = 2.0  # a word that looks like code (see code_words) tells twice as much
SUMMARY_SHARE = 0.5  # a word in the summary counts half as much as one in a name or alias
STRONG_COVERAGE = 0.999  # a concept whose titles cover the query best is never cut as weak
CLASH_SHARE = 0.5  # a name spelled out, of a concept of the other track than the query's
TRACK_WORD_MIN = 3  # see track_words
TRACK_WEIGHT = 0.2  # a tie-break: the query names the tools of this concept's track
QUOTED_WEIGHT = 2.0  # a pasted error all of whose phrases the body quotes (verbatim.py): more
# than a title that holds its words can earn (relevance 1 + coverage 0.6)
QUOTED_STRONG = 0.5  # ... at least this share of them: never cut as a weak hit
_NOTHING_QUOTED: Mapping[int, float] = MappingProxyType({})
ASKED_WEIGHT = 1.0  # the query's words all in one of the entry's own questions (asked.py)
ASKED_MIN_WORDS = 2  # of the query's, in one question, for the question to count
_NOTHING_ASKED: Mapping[int, Questions] = MappingProxyType({})
# Results scoring below this share of the best one are cut. Scores are not comparable
# across engines: PostgreSQL's ts_rank (ranking.PG_WEIGHTS) gives a concept about the
# query that only mentions it in its body ~0.2 of a name match.
# ... and so are those scoring below this share of the best one's total, unless they hold
# every telling word (a body that keeps mentioning the one word searched for stays).
TOTAL_CUT = 0.4
WEAK = MappingProxyType({"fts": 0.3, "like": 0.3, "pg": 0.2})
# Concepts proposed for a piece of writing must spell out their name, so their relevance
# may be lower than a search result's (a challenge names several things at once).
SUGGEST_WEAK = MappingProxyType({"fts": 0.2, "like": 0.2, "pg": 0.13})
ONE_WORD_ALIAS_RANK = 3  # ... and named by a one-word alias only: among the best ranked


def word_idf(alternative: str, idf: Callable[[str], float]) -> float:
    """An alternative's weight: its rarest word's ("next.js" from the synonym table
    weighs what "next" does)."""
    return max((idf(singular(w)) for w in words(alternative)), default=0.0)


def group_weights(groups: Sequence[Group], idf: Callable[[str], float]) -> list[float]:
    """How telling each group is: its rarest alternative's inverse document frequency
    (a pasted error's identifier outweighs "error", "value", "line")."""
    return [max(word_idf(a, idf) for a in g) for g in groups]


def track_words(index: GuildIndex) -> Mapping[str, str]:
    """Words that name one track's tools: in the names of at least TRACK_WORD_MIN
    concepts of that track only and of none of the other ("react", "django", "css")."""
    memo = index.ranking_memo.get("track_words")
    if memo is not None:
        return memo
    counts: dict[str, dict[str, int]] = {}
    for e in index.entries:
        for w in {singular(w) for w in words(e.name)}:
            side = counts.setdefault(w, {})
            side[e.tracks] = side.get(e.tracks, 0) + 1
    out = {}
    for w, side in counts.items():
        fe, be = side.get("frontend", 0), side.get("backend", 0)
        if fe >= TRACK_WORD_MIN and not be:
            out[w] = "frontend"
        elif be >= TRACK_WORD_MIN and not fe:
            out[w] = "backend"
    found = MappingProxyType(out)
    index.ranking_memo["track_words"] = found
    return found


class Titles(NamedTuple):
    """What a concept's own titles say, as the rerank reads them."""

    names: tuple[str, ...]  # each name and alias as " w1 w2 " (singular words)
    words: frozenset[str]  # the words of its name and aliases
    summary: frozenset[str]  # the words of its summary


def titles_of(brief: ConceptBrief, index: GuildIndex | None) -> Titles:
    """`brief`'s Titles, remembered by the index (whose concepts cannot change)."""
    memo = index.ranking_memo if index is not None else {}
    found = memo.get(("titles", brief.id))
    if found is None:
        names = [brief.name]
        if index is not None and brief.id in index.by_id:
            names += index.by_id[brief.id].aliases
        keys = [[singular(w) for w in words(normalise(n))] for n in names]
        found = Titles(
            tuple(f" {' '.join(k)} " for k in keys if k),
            frozenset(w for k in keys for w in k),
            frozenset(singular(w) for w in words(brief.summary)),
        )
        memo[("titles", brief.id)] = found
    return found


def query_track(groups: Sequence[Group], index: GuildIndex | None) -> str | None:
    """The track whose tools the query names ("react", "django", "js" as javascript),
    if its words name only one track's (see track_words)."""
    if index is None:
        return None
    tracks = track_words(index)
    named = {tracks[k] for g in groups for k in {singular(a) for a in g} if k in tracks}
    return named.pop() if len(named) == 1 else None


def telling(groups: Sequence[Group], corpus: CorpusStats) -> list[Group]:
    """The groups that are not ordinary words of the knowledge base (held by more than
    ORDINARY_SHARE of its concepts), or all of them when every one is."""
    limit = ORDINARY_SHARE * corpus.documents
    kept = [g for g in groups if max(corpus.df.get(singular(a), 0) for a in g) <= limit]
    return kept or list(groups)


class Row(NamedTuple):
    """One candidate's score and its parts (the evaluation's --explain shows them)."""

    brief: ConceptBrief
    total: float
    share: float  # the database's relevance, as a share of the best candidate's
    spelled: float  # a name or alias the query spells out
    coverage: float  # the query's telling words in the name, aliases, summary (0-1)
    on_track: float  # the track whose tools the query names
    quoted: float  # the share of a pasted error's words in phrases the body quotes
    asked: float  # the share of the query's words in one of the entry's questions
    strong: bool  # never cut as a weak hit
    holds_all: bool  # holds every telling word of the query


def score(
    found: list[Scored],
    text: str,
    index: GuildIndex | None,
    groups: Sequence[Group] | None = None,
    every: frozenset[int] = frozenset(),
    corpus: CorpusStats | None = None,
    quoted: Mapping[int, float] = _NOTHING_QUOTED,
    asked: Mapping[int, Questions] = _NOTHING_ASKED,
) -> list[Row]:
    """The candidates scored, best first (see `rerank`)."""
    if not found:
        return []
    groups = list(groups) if groups is not None else groups_for(text)

    def idf(word: str) -> float:
        return corpus.idf(word) if corpus is not None else 1.0

    code = {singular(w) for w in code_words(text)}
    rarest = group_weights(groups, idf)
    # What a group's words are worth, matched: their idf, doubled for code.
    boost = [CODE_WEIGHT if g[0] in code else 1.0 for g in groups]
    weights = [r * b for r, b in zip(rarest, boost, strict=True)]
    total_weight = sum(weights) or 1.0
    track = query_track(groups, index)
    best = max(s.score for s in found) or 1.0
    core = {singular(w) for w in meaningful(words(text))}
    pieces = identifiers(text)  # "JSONDecodeError" spells out "json" too
    sequence = [p for w in word_sequence(text) for p in (w, *pieces.get(w, ()))]
    query = f" {' '.join(singular(w) for w in sequence)} "
    keys = [{singular(a) for a in g} for g in groups]

    def spelled(titles: Titles) -> float:
        longest, as_code = 0, False
        for key in titles.names:
            if key in query:
                size = key.count(" ") - 1
                longest = max(longest, size)
                as_code = as_code or (size == 1 and key.strip() in code)
        if not longest:
            return 0.0
        share = SPELLED_SHARE * longest / max(1, len(core))
        # One word of a long text that happens to be an alias ("log", "git") is a title
        # hit like any other (coverage), not the concept the text is about; unless the
        # text names it as code ("json.decoder", "CORS", "useEffect").
        if longest == 1 and len(core) > SPELLED_SHORT_QUERY and not as_code:
            return share
        return min(1.0, SPELLED_BASE + share)

    def covered(titles: Titles) -> float:
        titled, summary = titles.words, titles.summary
        hit, used = 0.0, set[str]()
        for key, factor in zip(keys, boost, strict=True):
            matched, part = (key & titled) - used, factor
            if not matched:
                matched, part = (key & summary) - used, factor * SUMMARY_SHARE
            if matched:  # a word shared by two groups ("props") counts once
                used |= matched
                hit += part * max(idf(w) for w in matched)
        return hit / total_weight

    def in_question(questions: Questions) -> float:
        # One shared word ("loop") is not the same question.
        least = min(ASKED_MIN_WORDS, len(keys))
        best_share = 0.0
        for question in questions:
            hits = [w for key, w in zip(keys, weights, strict=True) if key & question]
            if len(hits) >= least:
                best_share = max(best_share, sum(hits) / total_weight)
        return best_share

    def on_track(brief: ConceptBrief) -> float:
        if track is None:
            return 0.0
        if brief.tracks == track:
            return TRACK_WEIGHT
        return TRACK_WEIGHT / 2 if brief.tracks == "both" else -TRACK_WEIGHT

    parts = []
    for s in found:
        titles = titles_of(s.brief, index)
        share = s.score / best if best > 0 else 1.0
        parts.append((s.brief, share, spelled(titles), covered(titles)))
    most = max(c for *_, c in parts) or 1.0
    some_hold_all = 0 < len(every) < len(found)
    rows = []
    for brief, share, bonus, coverage in parts:
        if track is not None and brief.tracks not in (track, "both"):
            bonus *= CLASH_SHARE  # "event loop" in a React question: not the Python one
        relative = coverage / most
        track_part = on_track(brief)
        quotes = quoted.get(brief.id, 0.0)
        answers = in_question(asked.get(brief.id, ()))
        total = share + bonus + COVERAGE_WEIGHT * relative + track_part
        total += QUOTED_WEIGHT * quotes + ASKED_WEIGHT * answers
        holds_all = brief.id in every
        if holds_all and some_hold_all:
            total += EVERY_WORD_BONUS
        strong = (
            bonus > 0
            or relative >= STRONG_COVERAGE
            or (holds_all and some_hold_all)
            or quotes >= QUOTED_STRONG
        )
        rows.append(
            Row(
                brief, total, share, bonus, relative, track_part, quotes, answers, strong, holds_all
            )
        )
    rows.sort(key=lambda r: -r.total)
    return rows


def rerank(
    found: list[Scored],
    text: str,
    index: GuildIndex | None,
    backend: str = "fts",
    groups: Sequence[Group] | None = None,
    every: frozenset[int] = frozenset(),
    corpus: CorpusStats | None = None,
    quoted: Mapping[int, float] = _NOTHING_QUOTED,
    asked: Mapping[int, Questions] = _NOTHING_ASKED,
) -> list[ConceptBrief]:
    """Relevance, plus what the concept's own name, aliases and summary say about the
    query: a name or alias the query spells out (worth more the more of the query it
    is); the query's words its name and aliases (fully) or summary (partly) hold, each
    weighted by how rare the word is in the knowledge base (`corpus`); the concepts
    holding every word, when only some do; and, as a tie-break, the track whose tools
    the query names. Weak hits (by relevance and by those words, and spelling out
    nothing) are cut. `quoted`: a pasted error's share quoted by each body (verbatim.py)."""
    return cut(score(found, text, index, groups, every, corpus, quoted, asked), backend)


def cut(rows: Sequence[Row], backend: str = "fts") -> list[ConceptBrief]:
    """The scored rows minus the weak hits, best first (see `rerank`)."""
    weak = WEAK.get(backend, WEAK["fts"])
    if not rows:
        return []
    floor = TOTAL_CUT * rows[0].total
    kept = [
        r.brief for r in rows if (r.strong or r.share >= weak) and (r.holds_all or r.total >= floor)
    ]
    return kept[:CANDIDATES]


def spelled_out(
    found: list[Scored],
    text: str,
    index: GuildIndex | None,
    backend: str = "fts",
    first_line: str | None = None,
) -> list[ConceptBrief]:
    """The good matches for a piece of writing (not a query): concepts whose name or an
    alias the text spells out as words of their own AND whose relevance is not weak,
    best first. A word that merely appears in a concept's explanation proposes nothing.
    `first_line`: the writing's title, where a one-word alias must be (default: `text`)."""
    weak = SUGGEST_WEAK.get(backend, SUGGEST_WEAK["fts"])
    raw = " ".join(text.casefold().split())
    code = {w.casefold() for w in code_words(text)}
    first = first_line if first_line is not None else text
    head = " ".join(first.casefold().split())
    out = []
    for rank, row in enumerate(score(found, text, index)):
        if row.spelled <= 0 or row.share < weak:
            continue
        aliases = []
        if index is not None and row.brief.id in index.by_id:
            aliases = list(index.by_id[row.brief.id].aliases)
        said = [a for a in aliases if named_in(a, text, raw)]
        if named_in(row.brief.name, text, raw) or any(
            len(words(a)) > 1 or a.casefold() in code for a in said
        ):
            out.append(row.brief)
        elif rank < ONE_WORD_ALIAS_RANK and any(named_in(a, first, head) for a in said):
            # Only a one-word alias, an everyday word as often as not ("container",
            # "typing", "login"): the writing must be about the concept, ranked among
            # the best for it and the alias in its first line (a post's title).
            out.append(row.brief)
    return out
