"""What the help forum says, in the post: similar solved questions, thanks, nudges."""

from __future__ import annotations

from bot.services.concepts import RelatedRef
from bot.services.entries import ChallengeInfo
from bot.ui.render import one_line

MARK_HOW = (
    "right-click (or long-press) the reply that solved it \u2192 Apps \u2192 Mark as solution"
)


def similar_text(
    similar: tuple[ChallengeInfo, ...],
    concepts: tuple[RelatedRef, ...] = (),
    answer: RelatedRef | None = None,
) -> str:
    lines = []
    if similar:
        lines.append("These solved questions look close to yours:")
        for c in similar:
            link = f" \u2014 {c.jump_url}" if c.jump_url else ""
            lines.append(f"\u2022 {one_line(c.title, 90)} (challenge #{c.id}){link}")
    if answer is not None:
        lines.append(f"**{one_line(answer.name, 60)}** may answer your question.")
    if concepts:
        names = ", ".join(f"**{one_line(c.name, 60)}**" for c in concepts)
        lines.append(f"{'It also' if answer else 'It'} seems to touch {names}.")
    shown = len(concepts) + (answer is not None)
    if shown == 1:
        lines.append("The button below opens it, just for whoever clicks.")
    elif shown:
        lines.append("The buttons below open each, just for whoever clicks.")
    lines.append(f"If one of the replies here solves it, {MARK_HOW}.")
    return "\n".join(lines)


def thanks_text(marker: str, solver: str, own: bool, close_hours: int) -> str:
    who = "their own answer" if own else f"{solver}'s reply"
    thanks = "" if own else f" Thanks, {solver}!"
    return (
        f"\u2705 {marker} marked {who} as the solution.{thanks} "
        f"It is saved with the question; this post closes in {close_hours} h."
    )


def nudge_text() -> str:
    return (
        "Still stuck? Add what you tried and what happened, so that others can help. "
        f"If a reply solved it, {MARK_HOW}."
    )


def closing_text(asker_mention: str | None) -> str:
    if asker_mention:
        return (
            f"{asker_mention} nobody has answered yet, so I am closing this post for now. "
            "Post again with more details (what you tried, the error) any time."
        )
    return "This post has been quiet for a while: closing it. Reply here to reopen it."
