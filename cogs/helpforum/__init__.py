from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from cogs.helpforum.cog import HelpForumCog

    await bot.add_cog(HelpForumCog(bot))
