"""Solutions render on their challenge's page: see cogs/challenges/render.py."""

from __future__ import annotations

from cogs.challenges.render import challenge_embed, solution_title

__all__ = ["challenge_embed", "solution_title"]
