from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from cogs.help.cog import HelpCog
    from cogs.help.views import HelpButton

    await bot.add_cog(HelpCog(bot))
    bot.add_dynamic_items(HelpButton)  # the guide's buttons work after a restart
