"""Texts for `help`, `members`, `channels` and `history` (plain text, rendered as-is)."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bot.playground.resolve import TYPE_NAMES, Names, command_options
from bot.simulator.models import Channel, Member, Message

if TYPE_CHECKING:
    from bot.playground.session import Session

JSON = dict[str, Any]

LANGUAGE = """\
Act as a member of the demo server (you start as alice in #general):
  /concept lookup name:caching   slash command; key:value up to the next key:
  as mod /setup                  this line as another member
  in #pairing /pair round        this line in another channel
  as bob  |  in #pairing         alone: switch member / channel
  complete /setup timezone:ber   autocomplete choices for the last option
  click 2  |  click "Next"       a button of the last message with buttons
  select 1  |  select "value"    pick in the last select menu (... from 2)
  modal name="..." body="..."    fill the open modal (field ids or labels)
  say I am stuck on CORS         chat message (@bob, #pairing are mentions)
  post "Title" tags:Frontend TEXT  a post in #help-forum; reply: in "Title" say ...
  menu "Save as challenge"       message menu on the last message here
  menu "NAME" on 3  |  on @bob   ... on the 3rd latest / bob's last message
  history [N]  members  channels  posts   help /COMMAND   quit   # a comment"""


def help_text(commands: list[JSON], topic: str | None) -> str:
    if topic:
        return command_help(commands, topic)
    slash: list[str] = []
    for cmd in sorted(commands, key=lambda c: str(c.get("name"))):
        kind = int(cmd.get("type", 1))
        if kind == 1:
            subs = _subcommands(cmd.get("options") or [], str(cmd["name"]))
            slash += subs or [f"/{cmd['name']}"]
    menus = [f'"{c["name"]}"' for c in commands if int(c.get("type", 1)) == 3]
    users = [f'"{c["name"]}"' for c in commands if int(c.get("type", 1)) == 2]
    lines = [LANGUAGE, "", "Commands the bot registered:", *_wrap(slash or ["(none)"])]
    if menus:
        lines.append("Message menus: " + ", ".join(menus))
    if users:
        lines.append("User menus (menu NAME on @member): " + ", ".join(users))
    return "\n".join(lines)


def _wrap(items: list[str], width: int = 78) -> list[str]:
    lines: list[str] = []
    current = ""
    for item in items:
        if current and len(current) + 2 + len(item) > width:
            lines.append(current)
            current = ""
        current = f"{current}  {item}" if current else f"  {item}"
    return [*lines, current] if current else lines


def _subcommands(options: list[JSON], prefix: str) -> list[str]:
    out: list[str] = []
    for opt in options:
        if opt.get("type") == 1:
            out.append(f"/{prefix} {opt['name']}")
        elif opt.get("type") == 2:
            out += _subcommands(opt.get("options") or [], f"{prefix} {opt['name']}")
    return out


def command_help(commands: list[JSON], topic: str) -> str:
    path = tuple(topic.removeprefix("/").lower().split())
    if not path:
        return LANGUAGE
    defs = command_options(commands, path)
    if defs is None:
        return f"no slash command /{' '.join(path)}; type `help` for the list"
    cmd = next(c for c in commands if c.get("name") == path[0] and int(c.get("type", 1)) == 1)
    subs = [o for o in defs if o.get("type") in (1, 2)]
    head = f"/{' '.join(path)}"
    if len(path) == 1:
        head += f" - {cmd.get('description', '')}"
    if subs:
        return (
            head
            + "\n"
            + "\n".join(
                f"  /{' '.join(path)} {s['name']} - {s.get('description', '')}" for s in subs
            )
        )
    lines = [head]
    for opt in defs:
        kind = TYPE_NAMES.get(int(opt.get("type", 3)), "value")
        need = "required" if opt.get("required") else "optional"
        extra = ""
        if opt.get("choices"):
            extra = "; one of: " + ", ".join(str(c["name"]) for c in opt["choices"])
        elif opt.get("autocomplete"):
            extra = " (autocomplete)"
        lines.append(f"  {opt['name']}: {kind}, {need} - {opt.get('description', '')}{extra}")
    if not defs:
        lines.append("  (no options)")
    return "\n".join(lines)


def members_text(session: Session, actor: str) -> str:
    guild = session.guild
    lines = ["Members (* = you):"]
    for member in guild.members.values():
        if member.user.bot:
            continue
        roles = [guild.roles[r].name for r in member.roles if r in guild.roles]
        roles = ["Manage Server" if r.endswith(" permissions") else r for r in roles]
        if member.id == guild.owner_id:
            roles.append("server owner")
        star = "*" if member.user.username == actor else " "
        shown = f"{member.user.username} ({member.display_name})"
        lines.append(f" {star} {shown:<24} {', '.join(roles) or 'no roles'}")
    return "\n".join(lines)


ROLES = MappingProxyType(
    {
        "pairing": "pair threads",
        "digest": "weekly digest",
        "mod-log": "moderator log",
        "help-forum": "forum: questions as posts (`post`, `posts`)",
    }
)


def channels_text(session: Session, current: int, viewer: Member | None = None) -> str:
    """The channels and threads `viewer` can see (a private thread: its members only)."""
    names = Names(session.guild)
    forums = {c.name for c in session.guild.forum_channels}
    lines = ["Channels (* = current):"]
    for ch in names.channels():
        if viewer is not None and not session.guild.can(viewer, "VIEW_CHANNEL", ch):
            continue
        star = "*" if ch.id == current else " "
        if ch.is_thread:
            parent = names.channel_label(ch.parent_id) if ch.parent_id else "?"
            kind = "post" if parent in forums else "thread"
            lines.append(f" {star}   {kind} #{ch.name} (in #{parent})")
        else:
            role = ROLES.get(ch.name or "")
            lines.append(f" {star} #{ch.name}" + (f"  - {role}" if role else ""))
    return "\n".join(lines)


def tag_names(forum: Channel, tag_ids: list[int]) -> list[str]:
    return [str(t["name"]) for i in tag_ids if (t := forum.tag(i)) is not None]


def posts_text(session: Session, viewer: Member) -> str:
    """Each forum with its tags, then its posts (newest first) with their tags and state."""
    guild = session.guild
    names = Names(guild)
    lines: list[str] = []
    for forum in guild.forum_channels:
        if not guild.can(viewer, "VIEW_CHANNEL", forum):
            continue
        tags = [
            str(t["name"]) + (" (moderators)" if t.get("moderated") else "")
            for t in forum.available_tags
        ]
        lines.append(f"#{forum.name} - tags: {', '.join(tags) or '(none)'}")
        posts = sorted(
            (c for c in guild.threads if c.parent_id == forum.id and not c.deleted),
            key=lambda c: -c.id,
        )
        for post in posts:
            state = "locked" if post.locked else "closed" if post.archived else "open"
            applied = tag_names(forum, post.applied_tags)
            author = names.username(post.owner_id) if post.owner_id else "?"
            replies = max(len(session.world.messages_in(post.id)) - 1, 0)
            lines.append(
                f"  [{state}] {post.name!r} by {author}"
                + (f" [{', '.join(applied)}]" if applied else "")
                + f", {replies} repl{'y' if replies == 1 else 'ies'}"
            )
        if not posts:
            lines.append('  no posts yet: `post "Title" tags:NAME your question`')
    return "\n".join(lines) or "no forum channel here"


def history_text(messages: list[Message], names: Names) -> str:
    if not messages:
        return "no messages here yet"
    lines = ["Recent messages (`menu NAME on N` uses these numbers):"]
    for n, msg in zip(range(len(messages), 0, -1), messages, strict=True):
        text = names.readable(msg.content).replace("\n", " ")
        if not text and msg.embeds:
            text = "[embed] " + str(
                msg.embeds[0].get("title") or msg.embeds[0].get("description") or ""
            )
        if len(text) > 80:
            text = text[:79] + "…"
        lines.append(f"  [{n}] {msg.author.username}: {text}")
    return "\n".join(lines)
