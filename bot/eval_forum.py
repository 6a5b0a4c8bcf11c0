"""The help-forum part of `nexus eval-search`: what Nexus proposes under a new post.

data/eval/forum_posts.yaml holds posts the way learners write them in a help forum
(title, body), each with the one concept that answers it or none (vague, off-topic, not
in the knowledge base). For each, Nexus proposes what the help forum would: the concepts
the post names (`concepts_in_text`) and the concept its question asks about
(`concept_answering`). A proposal is right when it holds the expected concept, wrong
when it does not (any proposal on a post that expects none is wrong). Figures for the
concepts named and for the answering step, each:

- precision: right / (right + wrong), over the posts that got a proposal;
- coverage: right / the posts that have an answer.

The answering step says "**X** may answer your question": its precision has a target
(eval_search.TARGETS). Naming concepts says only that the post names them, so a post
naming Django whose answer is N+1 queries counts as wrong here though the reply is true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.db import Database
from bot.services.concepts import concept_answering, concepts_in_text
from bot.settings import REPO_ROOT

DEFAULT_POSTS = REPO_ROOT / "data" / "eval" / "forum_posts.yaml"


class ForumSetError(Exception):
    """The forum evaluation file is malformed; the message names the entry."""


@dataclass(frozen=True)
class ForumPost:
    title: str
    body: str
    expect: tuple[str, ...]
    track: str
    style: str


@dataclass
class Tally:
    posts: int = 0
    answerable: int = 0  # posts with an expected concept
    right: int = 0
    wrong: int = 0
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        proposed = self.right + self.wrong
        return {
            "posts": self.posts,
            "answerable": self.answerable,
            "right": self.right,
            "wrong": self.wrong,
            "precision": round(100.0 * self.right / proposed, 1) if proposed else 100.0,
            "coverage": round(100.0 * self.right / self.answerable, 1) if self.answerable else 0.0,
        }


def load_posts(path: Path, known_slugs: set[str]) -> list[ForumPost]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ForumSetError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, list):
        raise ForumSetError(f"{path}: expected a list of posts")
    posts = []
    for i, item in enumerate(raw, 1):
        try:
            post = ForumPost(
                str(item["title"]),
                str(item.get("body") or ""),
                tuple(item.get("expect") or ()),
                str(item["track"]),
                str(item["style"]),
            )
        except (KeyError, TypeError) as exc:
            raise ForumSetError(f"{path}: post {i} lacks {exc}") from exc
        unknown = [s for s in post.expect if s not in known_slugs]
        if unknown:
            raise ForumSetError(f"{path}: post {i} expects unknown concept(s) {unknown}")
        posts.append(post)
    return posts


async def evaluate_forum(
    db: Database, guild_id: int, posts: list[ForumPost], slugs: dict[int, str]
) -> dict[str, Tally]:
    """ "named": the concepts each post names (right: the answer is among them);
    "answering": the one concept proposed as answering the post's question."""
    tallies = {"named": Tally(), "answering": Tally()}
    for post in posts:
        named = await concepts_in_text(db, guild_id, f"{post.title}\n{post.body}")
        answer = await concept_answering(db, guild_id, post.title)
        _count(tallies["named"], post, [slugs.get(c.id, "?") for c in named])
        _count(tallies["answering"], post, [slugs.get(answer.id, "?")] if answer else [])
    return tallies


def _count(tally: Tally, post: ForumPost, proposed: list[str]) -> None:
    tally.posts += 1
    tally.answerable += bool(post.expect)
    if not proposed:
        if post.expect:
            tally.misses.append(f"  {post.title!r} wants {post.expect[0]}; got nothing")
        return
    if set(proposed) & set(post.expect):
        tally.right += 1
    else:
        tally.wrong += 1
        want = post.expect[0] if post.expect else "nothing"
        tally.misses.append(f"  {post.title!r} wants {want}; got {', '.join(proposed)}")


def print_forum(tallies: dict[str, Tally], misses: bool) -> None:
    head = (
        f"{'posts':>6}{'answerable':>11}{'right':>7}{'wrong':>7}{'precision':>11}{'coverage':>10}"
    )
    print(f"\n{'help forum':18}{head}")
    for name, tally in tallies.items():
        d = tally.as_dict()
        label = "concepts named" if name == "named" else "answering"
        print(
            f"{label:18}{d['posts']:>6}{d['answerable']:>11}{d['right']:>7}{d['wrong']:>7}"
            f"{d['precision']:>10.1f}%{d['coverage']:>9.1f}%"
        )
    for name, tally in tallies.items():
        if misses and tally.misses:
            what = "concepts named" if name == "named" else "answering"
            print(f"\nHelp forum, {what}: wrong or missing proposals")
            print("\n".join(tally.misses))
