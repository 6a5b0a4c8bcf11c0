"""Why a learner was left out of a round: told to them, so it must be true and private.

A reason never names anyone and never mentions another learner's private choices (an
avoid): when the numbers alone do not explain it, the learner is told plainly that not
everyone could be paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

_OTHER = MappingProxyType({"frontend": "backend", "backend": "frontend"})
_LABEL = MappingProxyType({"frontend": "frontend", "backend": "backend", "fullstack": "full-stack"})

LEFT_OVER = (
    "Not everyone could be paired this round, and you were left over. You're in the next round."
)


def unmatched_reason(
    tracks: Sequence[str], i: int, any_pairs: bool, *, pairs_full: bool = True
) -> str:
    """The reason learner `i` (of these candidates' tracks) is in no pair or trio.

    pairs_full: every pair got a third member (else "every pair was full" is not true).
    """
    n = len(tracks)
    if n == 1:
        return "You were the only learner taking part this round, so there was nobody to pair."
    track = tracks[i]
    counts = {t: sum(1 for x in tracks if x == t) for t in _LABEL}
    other = _OTHER.get(track)
    if not any_pairs:
        if other is not None and counts[other] + counts["fullstack"] == 0:
            return (
                f"No {other} or full-stack learners were available this round, so there was "
                "nobody on the other side to pair you with."
            )
        return LEFT_OVER
    if pairs_full and other is not None and counts[track] > counts[other] + counts["fullstack"]:
        return (
            f"There were more {_LABEL[track]} learners than {other} ones this round "
            f"({counts['frontend']} frontend, {counts['backend']} backend, "
            f"{counts['fullstack']} full-stack) and every pair already had a third member."
        )
    return LEFT_OVER
