"""Per-server settings (/setup) and the publishing policy they imply."""

from bot.services.guilds.policy import initial_status
from bot.services.guilds.settings import (
    WEEKDAYS,
    GuildConfig,
    all_settings,
    get_settings,
    timezone_choices,
    update_settings,
    validate_timezone,
    validate_web_slug,
    web_slug_for,
)
from bot.services.guilds.welcome import (
    claim_setup_guide,
    record_setup_guide,
    release_setup_guide,
)

__all__ = [
    "claim_setup_guide",
    "record_setup_guide",
    "release_setup_guide",
    "GuildConfig",
    "WEEKDAYS",
    "all_settings",
    "get_settings",
    "initial_status",
    "timezone_choices",
    "update_settings",
    "validate_timezone",
    "validate_web_slug",
    "web_slug_for",
]
