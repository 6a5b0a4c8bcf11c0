from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from cogs.pairing.cog import PairingCog
    from cogs.pairing.views import PairButton

    cog = PairingCog(bot)
    await bot.add_cog(cog)
    bot.add_dynamic_items(PairButton)
