from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from bot.ui.flag import register_flag_items

    register_flag_items(bot)
