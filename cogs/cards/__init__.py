"""Nexus's public messages showing an entry follow it: see follow.py (no commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    """Nothing to register: the other features call follow.remember / follow.follow."""
