from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from cogs.helpforum.cog import HelpForumCog
    from cogs.helpforum.views import MarkButton

    bot.add_dynamic_items(MarkButton)  # "Mark the answer" on Nexus's replies, after restarts
    await bot.add_cog(HelpForumCog(bot))
