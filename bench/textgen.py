"""Seeded, reproducible text for the benchmark databases (Zipf-distributed vocabulary)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

# The instant every generated database is "now": the digest week is [NOW - 7 days, NOW).
NOW = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
WEEK_START = NOW - timedelta(days=7)

TECH = (
    "react vue svelte angular django flask fastapi rails spring express node deno python "
    "javascript typescript rust golang java kotlin swift postgres mysql sqlite redis mongo "
    "kafka rabbitmq docker kubernetes helm terraform nginx caddy graphql rest grpc websocket "
    "oauth jwt session cookie cors csrf xss css tailwind flexbox grid html webpack vite "
    "babel eslint jest pytest cypress playwright git github ci cd deploy lambda serverless "
    "cache caching index query join migration schema orm transaction deadlock latency "
    "throughput queue worker cron async await promise callback thread mutex memory leak "
    "profiling logging metrics tracing error exception timeout retry backoff pagination "
    "search fulltext vector embedding model api endpoint router middleware handler hook "
    "state store redux context props component render hydration ssr csr accessibility"
).split()
SYLLABLES = "ka lo mi ne ru ta vo xi ze po qua bel dor fin gar hul jin kem lor mun".split()


def _vocabulary(size: int) -> list[str]:
    words = list(dict.fromkeys(TECH))
    for length in (2, 3):
        for combo in itertools.product(SYLLABLES, repeat=length):
            if len(words) >= size:
                return words
            words.append("".join(combo))
    return words


VOCAB = _vocabulary(3000)
# Zipf-like weights: a few words are everywhere, most are rare (like real text).
_CUM = list(itertools.accumulate(1.0 / (rank + 1) ** 1.07 for rank in range(len(VOCAB))))


class Text:
    """Words, sentences and timestamps from one seeded random generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, k: int) -> str:
        return " ".join(self.rng.choices(VOCAB, cum_weights=_CUM, k=k))

    def sentence(self, lo: int, hi: int) -> str:
        text = self.words(self.rng.randint(lo, hi))
        return text[:1].upper() + text[1:]

    def between(self, start: datetime, end: datetime) -> datetime:
        span = (end - start).total_seconds()
        return start + timedelta(seconds=self.rng.random() * span)

    def query(self, n_words: int = 2) -> str:
        """A plausible search: words from the middle of the frequency range."""
        return " ".join(self.rng.choice(VOCAB[20:600]) for _ in range(n_words))

    def popular(self, items: list[str], k: int, s: float = 1.0) -> list[str]:
        """`k` picks from `items` as members ask for things: Zipf-distributed (item 0 most
        often, most items rarely), so repeated questions are realistic, not universal."""
        cum = list(itertools.accumulate(1.0 / (rank + 1) ** s for rank in range(len(items))))
        return self.rng.choices(items, cum_weights=cum, k=k)

    def prefix(self, names: list[str]) -> str:
        """What a member has typed so far into an autocomplete box."""
        name = self.rng.choice(names)
        return name[: self.rng.randint(2, min(8, len(name)))]


def concept_names(n: int, seed: int) -> list[str]:
    """`n` distinct concept names (two or three vocabulary words)."""
    rng = random.Random(seed)
    names: dict[str, None] = {}
    pool = VOCAB[:800]
    while len(names) < n:
        k = 2 if rng.random() < 0.7 else 3
        names[" ".join(rng.sample(pool, k)).title()] = None
    return list(names)
