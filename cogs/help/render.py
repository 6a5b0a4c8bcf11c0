"""Pure rendering: the /help guide per role, and the set-up guide for a new server."""

from __future__ import annotations

from types import MappingProxyType

import discord

from bot.ui.render import COLOUR, add_field, make_embed, one_line

LEARNER, MODERATOR, ADMIN = "learner", "moderator", "admin"
ROLE_TITLES = MappingProxyType(
    {
        LEARNER: "Nexus: what you can do here",
        MODERATOR: "Nexus for moderators",
        ADMIN: "Nexus for server admins",
    }
)

LEARN = (
    "`/concept lookup` explains a concept, only to you; **Post in channel** shares it with "
    "the conversation. `/concept search` and `/concept list` browse the knowledge base; "
    "`/concept suggest` proposes a new one."
)
ASK = (
    "Stuck? `/challenge share` describes it in a form, or right-click a message > Apps > "
    "**Save as challenge**. Nexus shows similar challenges and the concepts it touches."
)
ANSWER = (
    "Know the answer? `/solution add`, or **Save as solution** on the message that solved "
    "it. `/takeaway share` keeps a lesson or best practice for everyone."
)
PAIR = "`/pair join` matches you each round with a learner from the other track."
YOURS = (
    "`/challenge remove` and `/solution remove` take back what was saved from your words; "
    "`/privacy` stops others saving your messages and keeps your words out of the digest "
    "and exports; `/notifications` turns Nexus's DMs on or off."
)
MODERATE = (
    "`/curate queue` reviews held and flagged entries; `/curate missed` shows lookups that "
    "found nothing. `/curate edit`, `/curate hide`, `/curate restore`, `/curate merge` and "
    "`/curate feature` act on one entry; `/curate log` lists every action."
)
ADMINISTER = (
    "`/setup` shows and changes the settings: moderator role, digest and pairing channels "
    "and times, the mod-log channel, and what is held for review. `/digest preview` shows "
    "this week's digest; `/nexus about` the version."
)


def help_embed(role: str) -> discord.Embed:
    """A short guide for `role` (learner, moderator or admin); buttons start the flows."""
    embed = make_embed(ROLE_TITLES[role], "The buttons below start the main things to do.")
    embed.colour = COLOUR
    add_field(embed, "Learn", LEARN)
    add_field(embed, "Ask", ASK)
    add_field(embed, "Answer", ANSWER)
    add_field(embed, "Pair up", PAIR)
    add_field(embed, "Your words, your say", YOURS)
    if role in (MODERATOR, ADMIN):
        add_field(embed, "Moderate", MODERATE)
    if role == ADMIN:
        add_field(embed, "Set up", ADMINISTER)
    return embed


def setup_guide(guild_name: str, *, in_channel: bool = False) -> str:
    """The guide for a server Nexus just joined (a DM to the owner, or its system channel)."""
    opening = (
        f"Hi! Nexus has joined **{one_line(guild_name, 100)}**. I couldn't DM the server "
        "owner, so here is how a server admin sets me up:"
        if in_channel
        else f"Thanks for adding Nexus to **{one_line(guild_name, 100)}**! Set-up takes a "
        "minute (all in the server, with Manage Server):"
    )
    steps = (
        "1. `/setup moderator_role:` the role whose members review entries (members with "
        "Manage Server always can).",
        "2. `/setup digest_channel:` and `pairing_channel:`: where the weekly digest and the "
        "pair threads go; `mod_log_channel:` mirrors every moderator action.",
        "3. `/setup review_challenges:` (and solutions, takeaways, concepts): publish at once "
        "or hold for review. `timezone:` sets the digest's and the rounds' clock.",
        "4. Tell your members about `/help`: it shows each of them what they can do "
        "(learners, moderators and admins see their own guide).",
    )
    return "\n".join((opening, *steps, "Run `/setup` with no options to see the settings."))
