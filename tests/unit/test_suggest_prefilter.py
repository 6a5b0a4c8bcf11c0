"""'Did you mean' scores only WRatioMatcher's candidates on large servers: the suggestions a
learner gets are the ones the full WRatio scan gave (`full_scan_suggest` below is that old
code, kept as the reference), over the seeded knowledge base and a 10,000-concept one."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from bench.textgen import concept_names
from bot.services.concepts.guild_index import (
    SUGGEST_CUTOFF,
    GuildIndex,
    IndexedConcept,
    normalise,
)
from bot.services.concepts.seed import load_seed_concepts
from bot.services.search import Lru, WRatioMatcher


class PrefilteredIndex(GuildIndex):
    wratio_scan_max = 0  # every server counts as large: the candidates path is taken


def full_scan_suggest(index: GuildIndex, text: str, limit: int = 3) -> list[IndexedConcept]:
    """GuildIndex.suggest before the prefilter: WRatio over every name and alias."""
    q = normalise(text)[:100]
    if not q:
        return []
    strings = index._fuzzy_strings
    owners: list[int] = []
    for _, _, k in process.extract(
        q, strings, scorer=fuzz.WRatio, processor=None, limit=limit * 4, score_cutoff=SUGGEST_CUTOFF
    ):
        if index._fuzzy_owner[k] not in owners:
            owners.append(index._fuzzy_owner[k])
    return [index.entries[i] for i in owners[:limit]]


def seeded_index() -> PrefilteredIndex:
    entries = [
        IndexedConcept(i + 1, 1, c.slug, c.name, c.aliases, c.tracks)
        for i, c in enumerate(load_seed_concepts())
    ]
    return PrefilteredIndex(entries, 0.0, Lru(8), Lru(8))


# What learners type for the seeded concepts: typos, missing or swapped letters, British
# spellings, partial names, extra words. Written from the names in data/concepts/.
LOOKUPS = (
    "kubernets",
    "kuberntes pods",
    "dokcer compose",
    "docker compse",
    "dockerfle",
    "postgress",
    "postgresq",
    "javascirpt promises",
    "javscript event loop",
    "react hoks",
    "react ho",
    "pagnation",
    "graph ql",
    "graphql resolver",
    "djano orm",
    "django midleware",
    "django signal",
    "celry",
    "typescrpit generics",
    "midleware",
    "env variables",
    "enviroment variables",
    "rate limter",
    "corss origin",
    "oauth openid",
    "servce workers",
    "virtual envs",
    "tailwind cs",
    "jwt tokens",
    "redux toolkt",
    "async awiat",
    "css grdi",
    "flexbx",
    "sql injecton",
    "unit testing mocks",
    "core web vital",
    "lazy loding",
    "image optimisation",
    "message que",
    "microservice arch",
    "serialiser",
    "github action",
    "git branchs",
    "test driven",
    "type hint python",
    "state managment",
    "system desing",
    "sesion auth",
    "secrets managment",
    "responsive desing",
    "props and states",
    "use effect",
    "usememo",
    "react router dom",
    "react native expo",
    "next js app router",
    "npm package",
    "swager",
    "owasp top 10 list",
    "pep8 style",
    "progresive web app",
    "rabbit mq",
    "memcache d",
    "my sql",
    "n+1 queries",
    "select related",
    "semantic html5",
    "websocket django",
    "zustand stores",
    "vite config",
    "webpack loader",
    "keyboard nav",
    "html form validation",
    "http status",
    "http cookie",
    "idempotent",
    "javascript bundler",
    "event loop js",
    "jsx syntax",
    "jest mock",
    "logging python",
    "json parse",
    "closures js",
    "decorators python",
    "generators yield",
    "context manager python",
    "controlled form",
    "custom hook react",
    "database index",
    "db migrations",
    "normalisation db",
    "foreign key relation",
    "design handof",
    "drf permision",
    "e2e testing",
    "error handlng",
    "es module",
    "event driven",
    "explain analyse",
    "fetch api js",
    "graphene django",
    "browser devtool",
    "browser storag",
    "cache invalidaton",
    "ci cd pipeline",
    "cloud deploy",
    "code reveiw",
    "code spliting",
    "colour contrast",
    "consuming json api",
    "css box",
    "css specifity",
    "api gatway",
    "api testng",
    "api versoning",
    "apollo clinet",
    "aria label",
    "background job",
    "authentcation vs authorization",
    "authorisation",
    "ssh keygen",
    "sqllite",
    "shell basic",
    "spa auth",
    "server components",
    "role based access",
    "rest api desing",
    "rendering strategy",
    "react testing libary",
    "tanstack",
    "reactjs",
    "redis cache",
    "pytest fixture",
    "openapi spec",
    "nextjs",
    "mysql",
    "usestate hook",
    "viewset router",
    "web accesibility",
    "what is a closure",
    "how do i use docker compose",
)


def test_seeded_suggestions_are_the_full_scans() -> None:
    index = seeded_index()
    assert index._wratio is not None  # the path under test
    pruned = 0
    for text in LOOKUPS:
        expected = [c.slug for c in full_scan_suggest(index, text)]
        assert [c.slug for c in index.suggest(text)] == expected, text
        pruned += len(index._wratio.candidates(normalise(text), SUGGEST_CUTOFF)) < len(
            index._fuzzy_strings
        )
    assert pruned == len(LOOKUPS)  # and it did skip strings every time
    # the suggestions are real ones, not empty lists agreeing with each other
    assert [c.slug for c in index.suggest("kubernets")][0] == "kubernetes"
    assert "docker-compose" in [c.slug for c in index.suggest("dokcer compose")]
    assert sum(bool(index.suggest(t)) for t in LOOKUPS) > len(LOOKUPS) * 3 // 4


def _typo(rng: random.Random, s: str) -> str:
    i = rng.randrange(len(s))
    op = rng.random()
    if op < 0.33:
        return s[:i] + s[i + 1 :]
    if op < 0.66:
        return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + s[i + 1 :]
    return s[:i] + s[i : i + 2][::-1] + s[i + 2 :]


def test_large_server_suggestions_are_the_full_scans() -> None:
    """10,000 concepts (the bench's generated names, 40 % with an alias): typos, partial
    names, swapped words and extra words. The prefilter is approximate in theory (see
    fuzzy.py); on these it returns the full scan's suggestions."""
    rng = random.Random(5)
    names = concept_names(10_000, 3)
    entries = [
        IndexedConcept(
            i + 1,
            1,
            name.lower().replace(" ", "-"),
            name,
            (name.lower().replace(" ", ""),) if rng.random() < 0.4 else (),
        )
        for i, name in enumerate(names)
    ]
    index = GuildIndex(entries, 0.0, Lru(8), Lru(8))
    assert index._wratio is not None
    lookups = []
    for _ in range(200):
        name = rng.choice(names)
        kind = rng.random()
        if kind < 0.4:
            lookups.append(_typo(rng, _typo(rng, name)))
        elif kind < 0.6:
            lookups.append(name.split()[0][: rng.randint(3, 8)])
        elif kind < 0.8:
            lookups.append(" ".join(reversed(name.split())))
        else:
            lookups.append(_typo(rng, name.split()[-1]) + " " + rng.choice(("basics", "in python")))
    differ = [t for t in lookups if index.suggest(t) != full_scan_suggest(index, t)]
    assert differ == []


words = st.text(alphabet="abcde fg", min_size=0, max_size=20)


@settings(max_examples=200, deadline=None)
@given(strings=st.lists(words, min_size=1, max_size=40), q=words)
def test_candidates_keep_every_shared_word_and_close_ratio(strings: list[str], q: str) -> None:
    """The parts of the prefilter that are exact: a string sharing a word with the query,
    or as close by fuzz.ratio as the cutoff, is always a candidate (within 8x in length)."""
    strings = [" ".join(s.split()) for s in strings]
    q = " ".join(q.split())
    found = set(WRatioMatcher(strings).candidates(q, SUGGEST_CUTOFF).tolist())
    for k, s in enumerate(strings):
        if not s or not q or not (len(s) * 8 >= len(q) and len(s) <= 8 * len(q)):
            continue
        if set(q.split()) & set(s.split()) or fuzz.ratio(q, s) >= SUGGEST_CUTOFF:
            assert k in found, (q, s)
        near = len(q) * 2 < len(s) * 3 and len(s) * 2 < len(q) * 3
        if near and fuzz.WRatio(q, s) >= SUGGEST_CUTOFF:  # neither 1.5x the other: exact
            assert k in found, (q, s)


def test_odd_text_neither_breaks_nor_changes_the_matches() -> None:
    strings = [
        "café au lait",
        "x\x00y docker",
        "emoji 🐍 python",
        "\ud800bad",
        "",
        "   ",
        "a" * 300,
        "ß straße",
    ]
    matcher = WRatioMatcher(strings)
    for q in ("cafe", "docker", "🐍 python", "\ud800", "\x00", "a" * 100, "a" * 300, "ß", "x"):
        full = process.extract(
            q, strings, scorer=fuzz.WRatio, processor=None, limit=12, score_cutoff=75
        )
        assert matcher.extract(q, 75, 12) == [k for _, _, k in full], q
    assert WRatioMatcher([]).extract("x", 75, 3) == []
