"""Interaction payloads built from the commands the bot registered, as Discord would send them."""

from __future__ import annotations

import secrets
from types import MappingProxyType
from typing import Any

from . import permissions as P
from .guild import Guild
from .models import JSON, Channel, Member, Role, User
from .world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
DM_APP_PERMISSIONS = P.perm_value(
    [
        "VIEW_CHANNEL",
        "SEND_MESSAGES",
        "EMBED_LINKS",
        "ATTACH_FILES",
        "READ_MESSAGE_HISTORY",
        "ADD_REACTIONS",
        "USE_EXTERNAL_EMOJIS",
        "USE_APPLICATION_COMMANDS",
    ]
)


class UnknownCommand(LookupError):
    """The test invoked a command the bot did not register (where the user is)."""


class InvalidInput(ValueError):
    """Input a person could not give through Discord's UI (missing required option, ...)."""


class Invocation:
    """Who acts where: resolved actor, guild, channel; builds the common payload fields."""

    def __init__(
        self, world: World, actor: Member | User | int, channel: Channel | int | None, dm: bool
    ) -> None:
        self.world = world
        uid = actor if isinstance(actor, int) else actor.id
        self.user: User = world.users[uid]
        self.member: Member | None = None
        self.guild: Guild | None = None
        if dm:
            self.channel = world.dm_channel(self.user)
            return
        if channel is None:
            if isinstance(actor, Member):
                self.guild = world.guilds[actor.guild_id]
            else:
                homes = [g for g in world.guilds.values() if uid in g.members]
                if len(homes) != 1:
                    raise InvalidInput("give channel= (or dm=True): the user's guild is ambiguous")
                self.guild = homes[0]
            self.channel = self.guild.general
        else:
            ch = world.channel(channel if isinstance(channel, int) else channel.id)
            if ch is None:
                raise InvalidInput(f"channel {channel!r} does not exist (deleted?)")
            self.channel = ch
            self.guild = world.guild_of(ch.id)
        if self.guild is not None:
            self.member = self.guild.get_member(uid)

    @property
    def guild_id(self) -> int | None:
        return self.guild.id if self.guild else None

    def payload(self, kind: int, interaction_id: int) -> JSON:
        world = self.world
        data: JSON = {
            "id": str(interaction_id),
            "application_id": str(world.app_id),
            "type": kind,
            "token": f"sim.{interaction_id}.{secrets.token_urlsafe(32)}",
            "version": 1,
            "locale": self.user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "channel_id": str(self.channel.id),
        }
        if self.guild is not None and self.member is not None:
            perms = self.guild.permissions_for(self.member, self.channel)
            app_perms = self.guild.permissions_for(world.bot_user.id, self.channel)
            data.update(
                guild_id=str(self.guild.id),
                guild={"id": str(self.guild.id), "locale": self.guild.locale, "features": []},
                guild_locale=self.guild.locale,
                member=self.member.to_dict(permissions=perms),
                channel=self.channel.to_dict(permissions=perms),
                app_permissions=str(app_perms),
                authorizing_integration_owners={"0": str(self.guild.id)},
                context=0,
            )
        else:
            data.update(
                user=self.user.to_dict(),
                channel=self.channel.to_dict(permissions=DM_APP_PERMISSIONS),
                app_permissions=str(DM_APP_PERMISSIONS),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        return data

    # ---- command lookup -----------------------------------------------------------------
    def find_command(self, name: str, kind: int) -> JSON:
        candidates = self.world.commands_for(self.guild_id)
        for cmd in candidates:
            if cmd["name"] == name and int(cmd.get("type", 1)) == kind:
                if self.guild is None and not _dm_allowed(cmd):
                    break
                return cmd
        where = f"guild {self.guild.name!r}" if self.guild else "DMs"
        known = sorted(c["name"] for c in candidates if int(c.get("type", 1)) == kind)
        raise UnknownCommand(
            f"no {_KINDS[kind]} named {name!r} is registered for {where}; registered: {known}"
        )


_KINDS = MappingProxyType({1: "slash command", 2: "user command", 3: "message command"})


def _dm_allowed(cmd: JSON) -> bool:
    contexts = cmd.get("contexts")
    if contexts is not None:
        return 1 in contexts
    return cmd.get("guild_id") is None and cmd.get("dm_permission", True) is not False


def command_data(
    inv: Invocation, path: str, options: dict[str, Any], *, focused: str | None = None
) -> tuple[JSON, str]:
    """`data` of a slash command (or autocomplete) interaction; also returns the full name."""
    parts = path.split()
    cmd = inv.find_command(parts[0], 1)
    data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": 1}
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    defs: list[JSON] = cmd.get("options") or []
    holder = data
    for part in parts[1:]:
        sub = next((o for o in defs if o["name"] == part and o["type"] in (1, 2)), None)
        if sub is None:
            subs = ", ".join(o["name"] for o in defs if o["type"] in (1, 2))
            it_has = f"; it has: {subs}" if subs else ""
            raise UnknownCommand(f"/{path}: {part!r} is not a subcommand of /{cmd['name']}{it_has}")
        node: JSON = {"name": sub["name"], "type": sub["type"], "options": []}
        holder["options"] = [node]
        holder, defs = node, sub.get("options") or []
    if any(o["type"] in (1, 2) for o in defs):
        subs = ", ".join(o["name"] for o in defs if o["type"] in (1, 2))
        raise UnknownCommand(f"/{path} needs a subcommand, one of: {subs}")
    resolved: JSON = {}
    holder["options"] = _options(inv, defs, options, resolved, focused, f"/{path}")
    if resolved and focused is None:
        data["resolved"] = resolved
    return data, f"/{path}"


def _options(
    inv: Invocation,
    defs: list[JSON],
    given: dict[str, Any],
    resolved: JSON,
    focused: str | None,
    where: str,
) -> list[JSON]:
    by_name = {o["name"]: o for o in defs}
    unknown = set(given) - set(by_name)
    if unknown:
        raise InvalidInput(f"{where} has no option(s) {sorted(unknown)}; it has {sorted(by_name)}")
    if focused is not None and focused not in by_name:
        raise InvalidInput(f"{where}: cannot focus unknown option {focused!r}")
    if focused is not None and not by_name[focused].get("autocomplete"):
        raise InvalidInput(f"{where}: option {focused!r} has no autocomplete")
    out: list[JSON] = []
    for opt in defs:
        name = opt["name"]
        if name == focused:
            out.append(
                {
                    "name": name,
                    "type": opt["type"],
                    "value": str(given.get(name, "")),
                    "focused": True,
                }
            )
            continue
        if name not in given or given[name] is None:
            if opt.get("required") and focused is None:
                raise InvalidInput(f"{where}: option {name!r} is required")
            continue
        value = _convert(inv, opt, given[name], resolved if focused is None else {}, where)
        out.append({"name": name, "type": opt["type"], "value": value})
    return out


def _convert(inv: Invocation, opt: JSON, value: Any, resolved: JSON, where: str) -> Any:
    kind, name = opt["type"], opt["name"]
    if kind == STRING:
        value = str(value)
        lo, hi = opt.get("min_length"), opt.get("max_length")
        if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
            raise InvalidInput(f"{where}: {name!r} must be {lo}..{hi} characters")
    elif kind == INTEGER:
        if isinstance(value, bool) or int(value) != value:
            raise InvalidInput(f"{where}: {name!r} must be an integer")
        value = int(value)
    elif kind == NUMBER:
        value = float(value)
    elif kind == BOOLEAN:
        value = bool(value)
    elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        return str(_resolve(inv, kind, value, resolved, where, name))
    elif kind == ATTACHMENT:
        att_id = inv.world.ids.next()
        filename = value if isinstance(value, str) else str(value.get("filename", "file.txt"))
        resolved.setdefault("attachments", {})[str(att_id)] = {
            "id": str(att_id),
            "filename": filename,
            "size": 0,
            "content_type": "text/plain",
            "url": f"https://cdn.invalid/{filename}",
            "proxy_url": f"https://cdn.invalid/{filename}",
        }
        return str(att_id)
    if kind in (INTEGER, NUMBER):
        lo, hi = opt.get("min_value"), opt.get("max_value")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise InvalidInput(f"{where}: {name!r} must be within {lo}..{hi}")
    choices = opt.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise InvalidInput(f"{where}: {name!r} must be one of {[c['value'] for c in choices]}")
    return value


def _resolve(inv: Invocation, kind: int, value: Any, resolved: JSON, where: str, name: str) -> int:
    world = inv.world
    vid = value if isinstance(value, int) else int(getattr(value, "id", value))
    guild = inv.guild
    if kind in (USER, MENTIONABLE) and vid in world.users:
        resolved.setdefault("users", {})[str(vid)] = world.users[vid].to_dict()
        if guild is not None and vid in guild.members:
            member = guild.members[vid]
            perms = guild.permissions_for(member, inv.channel)
            resolved.setdefault("members", {})[str(vid)] = member.to_dict(
                with_user=False, permissions=perms
            )
        return vid
    if kind in (ROLE, MENTIONABLE) and guild is not None and vid in guild.roles:
        role: Role = guild.roles[vid]
        resolved.setdefault("roles", {})[str(vid)] = role.to_dict()
        return vid
    if kind == CHANNEL:
        ch = world.channel(vid)
        if ch is not None and (guild is None or ch.guild_id == guild.id):
            perms = guild.permissions_for(inv.member, ch) if guild and inv.member else 0
            resolved.setdefault("channels", {})[str(vid)] = ch.to_dict(permissions=perms)
            return vid
    raise InvalidInput(f"{where}: {name!r} = {value!r} is not a valid choice here")
