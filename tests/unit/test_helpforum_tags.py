"""The help forum's tags: which are missing, which track a post's tags name."""

from __future__ import annotations

from bot.services import helpforum


def test_missing_tags_match_names_loosely() -> None:
    assert helpforum.missing_tags([]) == ["Frontend", "Backend", "Full-stack", "Solved"]
    assert helpforum.missing_tags(["frontend", "Full Stack", "SOLVED", "Python"]) == ["Backend"]


def test_track_from_tags() -> None:
    assert helpforum.track_from_tags(["Frontend", "Solved"]) == "frontend"
    assert helpforum.track_from_tags(["backend"]) == "backend"
    assert helpforum.track_from_tags(["Frontend", "Backend"]) == "fullstack"
    assert helpforum.track_from_tags(["full-stack"]) == "fullstack"
    assert helpforum.track_from_tags(["Python"]) is None
    assert helpforum.is_solved_tag("solved") and not helpforum.is_solved_tag("unsolved")
