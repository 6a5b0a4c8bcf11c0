"""REST: users, application, gateway info, application commands and guild reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .guild import Guild
from .models import JSON
from .rest import API, ApiError, body_of, json_response, no_content, snowflake

if TYPE_CHECKING:
    from .simulator import Simulator


def normalise_command(
    sim: Simulator, data: JSON, guild_id: int | None, existing: JSON | None
) -> JSON:
    world = sim.world
    kind = int(data.get("type") or 1)
    cmd: JSON = {
        "id": existing["id"] if existing else str(world.ids.next()),
        "application_id": str(world.app_id),
        "version": str(world.ids.next()),
        "type": kind,
        "name": data["name"],
        "name_localizations": data.get("name_localizations"),
        "description": data.get("description") or "" if kind == 1 else "",
        "description_localizations": data.get("description_localizations"),
        "options": data.get("options") or [],
        "default_member_permissions": data.get("default_member_permissions"),
        "dm_permission": data.get("dm_permission", True),
        "nsfw": bool(data.get("nsfw", False)),
        "contexts": data.get("contexts"),
        "integration_types": data.get("integration_types") or [0],
    }
    if guild_id is not None:
        cmd["guild_id"] = str(guild_id)
    return cmd


class CoreRoutes:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def register(self, router: web.UrlDispatcher) -> None:
        r, s = router, self
        r.add_get(API + "/users/@me", s.me)
        r.add_get(API + r"/users/{user_id:\d+}", s.user)
        r.add_get(API + "/oauth2/applications/@me", s.application)
        r.add_get(API + "/applications/@me", s.application)
        r.add_get(API + "/gateway", s.gateway)
        r.add_get(API + "/gateway/bot", s.gateway_bot)
        for base in (
            r"/applications/{app:\d+}/commands",
            r"/applications/{app:\d+}/guilds/{guild_id:\d+}/commands",
        ):
            r.add_get(API + base, s.list_commands)
            r.add_put(API + base, s.put_commands)
            r.add_post(API + base, s.post_command)
            r.add_get(API + base + r"/{cmd:\d+}", s.get_command)
            r.add_patch(API + base + r"/{cmd:\d+}", s.patch_command)
            r.add_delete(API + base + r"/{cmd:\d+}", s.delete_command)
        r.add_get(API + r"/guilds/{guild_id:\d+}", s.guild)
        r.add_get(API + r"/guilds/{guild_id:\d+}/members", s.members)
        r.add_get(API + r"/guilds/{guild_id:\d+}/members/{user_id:\d+}", s.member)
        r.add_get(API + r"/guilds/{guild_id:\d+}/channels", s.channels)
        r.add_get(API + r"/guilds/{guild_id:\d+}/roles", s.roles)
        r.add_get(API + r"/guilds/{guild_id:\d+}/roles/member-counts", s.role_member_counts)
        r.add_get(API + r"/guilds/{guild_id:\d+}/threads/active", s.active_threads)

    # ---- identity ----------------------------------------------------------------------
    async def me(self, request: web.Request) -> web.StreamResponse:
        user = self.sim.world.bot_user.to_dict()
        user.update(verified=True, mfa_enabled=False, locale="en-US", email=None)
        return json_response(user)

    async def user(self, request: web.Request) -> web.StreamResponse:
        user = self.sim.world.users.get(snowflake(request, "user_id"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return json_response(user.to_dict())

    async def application(self, request: web.Request) -> web.StreamResponse:
        world = self.sim.world
        return json_response(
            {
                "id": str(world.app_id),
                "name": world.bot_user.username,
                "icon": None,
                "description": "",
                "summary": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": world.app_owner.to_dict(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": world.bot_user.to_dict(),
                "rpc_origins": [],
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "approximate_guild_count": len(world.guilds),
                "tags": [],
            }
        )

    async def gateway(self, request: web.Request) -> web.StreamResponse:
        return json_response({"url": self.sim.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.StreamResponse:
        return json_response(
            {
                "url": self.sim.gateway_url,
                "shards": self.sim.gateway.shard_count,
                "session_start_limit": self.sim.gateway.limiter.session_start_limit(),
            }
        )

    # ---- commands ----------------------------------------------------------------------
    def _table(self, request: web.Request) -> tuple[dict[int, JSON], int | None]:
        if snowflake(request, "app") != self.sim.world.app_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in request.match_info:
            return self.sim.world.global_commands, None
        gid = snowflake(request, "guild_id")
        if gid not in self.sim.world.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return self.sim.world.guild_commands.setdefault(gid, {}), gid

    async def list_commands(self, request: web.Request) -> web.StreamResponse:
        table, _ = self._table(request)
        return json_response(list(table.values()))

    async def put_commands(self, request: web.Request) -> web.StreamResponse:
        table, gid = self._table(request)
        body: list[JSON] = body_of(request) or []
        by_key = {(c["name"], c["type"]): c for c in table.values()}
        fresh = [
            normalise_command(self.sim, c, gid, by_key.get((c["name"], int(c.get("type") or 1))))
            for c in body
        ]
        table.clear()
        table.update({int(c["id"]): c for c in fresh})
        self.sim.note_commands_synced()
        return json_response(fresh)

    async def post_command(self, request: web.Request) -> web.StreamResponse:
        table, gid = self._table(request)
        data: JSON = body_of(request) or {}
        key = (data.get("name"), int(data.get("type") or 1))
        existing = next((c for c in table.values() if (c["name"], c["type"]) == key), None)
        cmd = normalise_command(self.sim, data, gid, existing)
        table[int(cmd["id"])] = cmd
        self.sim.note_commands_synced()
        return json_response(cmd, 200 if existing else 201)

    def _command(self, request: web.Request) -> tuple[dict[int, JSON], JSON, int | None]:
        table, gid = self._table(request)
        cmd = table.get(snowflake(request, "cmd"))
        if cmd is None:
            raise ApiError(404, 10063, "Unknown application command")
        return table, cmd, gid

    async def get_command(self, request: web.Request) -> web.StreamResponse:
        return json_response(self._command(request)[1])

    async def patch_command(self, request: web.Request) -> web.StreamResponse:
        table, cmd, gid = self._command(request)
        merged = {**cmd, **(body_of(request) or {})}
        new = normalise_command(self.sim, merged, gid, cmd)
        table[int(new["id"])] = new
        return json_response(new)

    async def delete_command(self, request: web.Request) -> web.StreamResponse:
        table, cmd, _ = self._command(request)
        del table[int(cmd["id"])]
        return no_content()

    # ---- guild reads -------------------------------------------------------------------
    def _guild(self, request: web.Request) -> Guild:
        guild = self.sim.world.guilds.get(snowflake(request, "guild_id"))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def guild(self, request: web.Request) -> web.StreamResponse:
        guild = self._guild(request)
        data = guild.to_dict()
        if request.query.get("with_counts") in ("true", "1", "True"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return json_response(data)

    async def members(self, request: web.Request) -> web.StreamResponse:
        guild = self._guild(request)
        limit = min(int(request.query.get("limit", 1)), 1000)
        after = int(request.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return json_response([m.to_dict() for m in members[:limit]])

    async def member(self, request: web.Request) -> web.StreamResponse:
        guild = self._guild(request)
        member = guild.members.get(snowflake(request, "user_id"))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.to_dict())

    async def channels(self, request: web.Request) -> web.StreamResponse:
        guild = self._guild(request)
        return json_response([c.to_dict() for c in guild.channels.values() if not c.is_thread])

    async def roles(self, request: web.Request) -> web.StreamResponse:
        return json_response([r.to_dict() for r in self._guild(request).roles.values()])

    async def role_member_counts(self, request: web.Request) -> web.StreamResponse:
        """Role id -> number of members holding it; the bot needs Manage Roles (as
        discord.py documents Guild.role_member_counts). The members intent is not needed."""
        guild = self._guild(request)
        if not guild.can(self.sim.world.bot_user.id, "MANAGE_ROLES"):
            raise ApiError(403, 50013, "Missing Permissions")
        return json_response({str(r): n for r, n in guild.role_member_counts().items()})

    async def active_threads(self, request: web.Request) -> web.StreamResponse:
        guild = self._guild(request)
        threads = [t for t in guild.threads if not t.archived]
        bot = self.sim.world.bot_user.id
        members: list[Any] = [
            guild.thread_member_dict(t, bot) for t in threads if bot in t.thread_members
        ]
        return json_response({"threads": [t.to_dict() for t in threads], "members": members})
