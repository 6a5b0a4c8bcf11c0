"""Hypothesis strategies for hostile member input, and the per-example invariants."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from bot.simulator.reply import Reply
from tests.e2e.harness import Nexus
from tests.reliability.support import assert_no_crash, assert_no_pings, row_counts

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FRAGMENTS = [
    "@everyone",
    "@here",
    "<@{user}>",
    "<@!{user}>",
    "<@&{role}>",
    "<#{channel}>",
    "```py\nprint('hi')\n```",
    "```",
    "`x`",
    "**bold**",
    "__u__",
    "~~s~~",
    "||spoiler||",
    "> quote\n",
    "# Heading\n",
    "[link](https://example.com)",
    "<https://x.y>",
    "'; DROP TABLE challenges; --",
    '" OR 1=1 --',
    "NEAR(a b)",
    '"unterminated',
    "AND",
    "OR NOT",
    "-x",
    "*",
    "title:x",
    "^",
    "%_%",
    "\\",
    "(",
    ")",
    "{",
    "}",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200f",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\r\n",
    "\n",
    "\t",
    "   ",
    "caching",
    "k8s",
    "CORS",
    "Docker",
    "react",
    "é",
    "🙂",
    "𝔘",
    "ﷺ",
    "Z̤͔ͧ̑̓",
    "0",
    "-1",
    "99999999999999999999",
    "nexus:flag:challenge:1",
]

_chars = st.characters(blacklist_categories=["Cs"])


def _fill(fragment: str, ids: dict[str, int]) -> str:
    return (
        fragment.format(**ids)
        if "{" in fragment
        and "}" in fragment
        and ("{user}" in fragment or "{role}" in fragment or "{channel}" in fragment)
        else fragment
    )


@st.composite
def hostile_text(draw: st.DrawFn, min_len: int, max_len: int, ids: dict[str, int]) -> str:
    """Text of min_len..max_len characters mixing mentions, markdown, control and bidi
    characters, SQL and full-text syntax; often exactly at the limit, sometimes blank."""
    shape = draw(st.sampled_from(["mixed", "mixed", "at_limit", "blank", "random"]))
    if shape == "blank":
        n = draw(st.integers(max(min_len, 1), max(min(max_len, 40), 1)))
        text = "".join(
            draw(
                st.lists(
                    st.sampled_from([" ", "\n", "\t", "\u200b", "\x00"]), min_size=n, max_size=n
                )
            )
        )
    elif shape == "random":
        text = draw(st.text(_chars, min_size=0, max_size=min(max_len, 300)))
    else:
        parts = draw(
            st.lists(
                st.one_of(st.sampled_from(FRAGMENTS), st.text(_chars, max_size=12)),
                min_size=1,
                max_size=12,
            )
        )
        text = "".join(_fill(p, ids) for p in parts)
        if shape == "at_limit":
            seed = text or "x"
            text = (seed * (max_len // len(seed) + 1))[:max_len]
    text = text[:max_len]
    if len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    return text


def is_blank(text: str) -> bool:
    """What every service treats as empty (control characters removed, then stripped)."""
    return not _CONTROL.sub("", text).strip()


def ids_of(nexus: Nexus) -> dict[str, int]:
    return {"user": nexus.bob.id, "role": nexus.mod_role.id, "channel": nexus.general.id}


class Checker:
    """Per-example invariants: no crash reply, no error log, no rejected request, no ping."""

    def __init__(self, nexus: Nexus) -> None:
        self.nexus = nexus

    async def before(self) -> dict[str, int]:
        self._messages = len(self.nexus.sim._bot_messages)
        return await row_counts(self.nexus.db)

    async def after(self, reply: Reply | None, what: str) -> dict[str, int]:
        nexus = self.nexus
        if reply is not None:
            assert_no_crash(reply, what)
        assert not nexus.sim.violations, (what, [v.reason for v in nexus.sim.violations])
        log = nexus.error_log  # type: ignore[attr-defined]
        assert not log.records, (what, log.messages())
        assert_no_pings(nexus.sim.bot_messages[self._messages :])
        return await row_counts(nexus.db)


def explained_refusal(reply: Reply) -> bool:
    """An ephemeral plain-text answer: how the bot explains refused input."""
    return reply.ephemeral and not reply.embeds and reply.modal is None and bool(reply.content)


def fields_for(modal: Any, ids: dict[str, int]) -> st.SearchStrategy[dict[str, str]]:
    """Values for every text field of a modal, within its declared limits."""
    strategies: dict[str, Any] = {}
    for f in modal.fields:
        lo = f.min_length or (1 if f.required else 0)
        hi = f.max_length or 4000
        strategies[f.custom_id] = hostile_text(max(lo, 1) if f.required else 0, hi, ids)
    return st.fixed_dictionaries(strategies)
