from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from bot.ui.flag import register_flag_items
    from cogs.moderation.cog import ModerationCog
    from cogs.moderation.views import CURATION_ITEMS

    register_flag_items(bot)
    bot.add_dynamic_items(*CURATION_ITEMS)
    await bot.add_cog(ModerationCog(bot))
