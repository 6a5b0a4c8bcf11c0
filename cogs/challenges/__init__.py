from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import NexusBot


async def setup(bot: NexusBot) -> None:
    from cogs.challenges.authors import AuthorButton
    from cogs.challenges.cog import ChallengesCog
    from cogs.challenges.concept_links import LinkConceptButton
    from cogs.challenges.opening import OpenChallengeButton

    bot.add_dynamic_items(AuthorButton)  # "Remove it", "Approve", "Decline" after restarts
    bot.add_dynamic_items(LinkConceptButton)  # "Link <concept>" after a challenge is recorded
    bot.add_dynamic_items(OpenChallengeButton)  # "Open #N" under search and list results
    await bot.add_cog(ChallengesCog(bot))
