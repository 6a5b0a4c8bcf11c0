"""Synthetic learners for benchmarks and tests (moved out of matcher.py to keep it small)."""

from __future__ import annotations

import numpy as np

from bot.services.pairing.availability import HOURS_PER_WEEK
from bot.services.pairing.matcher import BACKEND, FRONTEND, FULLSTACK
from bot.services.pairing.scoring import Candidate


def synthetic_candidates(n: int, seed: int = 0) -> list[Candidate]:
    """`n` plausible learners: mixed tracks, evening availability in spread-out zones."""
    rng = np.random.default_rng(seed)
    words = (
        "react vue django fastapi postgres redis css typescript api caching graphql "
        "docker auth testing node python javascript sql kubernetes websockets"
    ).split()
    tracks = rng.choice([FRONTEND, BACKEND, FULLSTACK], size=n, p=[0.42, 0.42, 0.16])
    out: list[Candidate] = []
    for i in range(n):
        offset = int(rng.integers(-8, 10))
        mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
        for day in rng.choice(7, size=int(rng.integers(2, 6)), replace=False):
            start = int(rng.integers(8, 20))
            length = int(rng.integers(1, 5))
            for h in range(start, start + length):
                mask[(day * 24 + h - offset) % HOURS_PER_WEEK] = True
        toks = frozenset(rng.choice(words, size=int(rng.integers(1, 6)), replace=False))
        out.append(Candidate(user_id=i + 1, track=str(tracks[i]), mask=mask, tokens=toks))
    return out
