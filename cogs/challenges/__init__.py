from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from cogs.challenges.cog import ChallengesCog

    await bot.add_cog(ChallengesCog(bot))
