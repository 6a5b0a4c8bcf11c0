"""What a challenge search asks for: safe word tokens, and which rows it may return.

User text never reaches a full-text engine raw: it becomes a list of word tokens, each a
double-quoted FTS5 string restricted to the text columns (or plain words for
PostgreSQL's websearch_to_tsquery), so `"`, `AND`, `-x`, `NEAR(`, `*` or emoji can never
raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement

from bot.db.models import Challenge
from bot.services.entries import active_for, visible_to
from bot.services.search import meaningful, words

Mode = Literal["all", "any"]
Rule = Literal["published", "visible", "active"]

MAX_TOKENS = 8
TEXT_COLUMNS = "{title tried problem}"


def tokenize(query: str, limit: int = MAX_TOKENS) -> list[str]:
    """Distinct lower-case word tokens, stop words dropped (unless nothing else is left):
    the shared rules of bot.services.search, as for concepts."""
    return meaningful(words(query))[:limit]


def phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_expression(tokens: Sequence[str], mode: Mode) -> str:
    """A MATCH expression that only ever contains quoted strings, over the text columns."""
    joiner = " AND " if mode == "all" else " OR "
    return f"{TEXT_COLUMNS} : ({joiner.join(phrase(t) for t in tokens)})"


def pg_websearch(tokens: Sequence[str], mode: Mode) -> str:
    return (" " if mode == "all" else " or ").join(tokens)


@dataclass(frozen=True)
class Scope:
    """Which of the server's challenges a search may return, besides matching the words.

    published: published only. visible: what `viewer_id` may read (entry_common.visible_to).
    active: what they may act on (entry_common.active_for). Without a viewer, published.
    """

    rule: Rule = "published"
    viewer_id: int | None = None
    open_only: bool = False
    exclude_id: int | None = None

    @property
    def shape(self) -> tuple[Rule, bool, bool]:
        """What the conditions look like, whatever the values: one compiled SQL each."""
        rule: Rule = "published" if self.viewer_id is None else self.rule
        return rule, self.open_only, self.exclude_id is not None

    def params(self) -> dict[str, int]:
        """The values for `clauses(viewer=bindparam("viewer"), exclude=bindparam("exclude"))`."""
        out: dict[str, int] = {}
        if self.viewer_id is not None and self.rule != "published":
            out["viewer"] = self.viewer_id
        if self.exclude_id is not None:
            out["exclude"] = self.exclude_id
        return out

    def clauses(self, viewer: Any = None, exclude: Any = None) -> list[ColumnElement[bool]]:
        """The conditions on Challenge; `viewer` and `exclude` may stand in for the values
        (bind parameters)."""
        rule = self.shape[0]
        who = self.viewer_id if viewer is None else viewer
        out = [
            visible_to(Challenge, None)
            if rule == "published"
            else visible_to(Challenge, who)
            if rule == "visible"
            else active_for(Challenge, who)
        ]
        if self.open_only:
            out.append(Challenge.solved.is_(False))
        if self.exclude_id is not None:
            out.append(Challenge.id != (self.exclude_id if exclude is None else exclude))
        return out
