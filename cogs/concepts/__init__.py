from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from bot.ui.flag import register_flag_items
    from cogs.concepts.cog import ConceptsCog
    from cogs.concepts.views import AngleButton, OpenConceptButton, ShareButton

    bot.add_dynamic_items(OpenConceptButton, AngleButton, ShareButton)
    register_flag_items(bot)  # idempotent; the moderation cog registers them too
    await bot.add_cog(ConceptsCog(bot))
