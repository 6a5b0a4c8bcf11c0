"""Database access: engine, session factories, models. Never imports discord."""

from bot.db.engine import Database

__all__ = ["Database"]
