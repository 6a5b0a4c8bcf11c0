"""Export a server's knowledge base as a Markdown hub (`nexus export`)."""

from bot.services.export.service import export_guild, guild_has_data

__all__ = [
    "export_guild",
    "guild_has_data",
]
