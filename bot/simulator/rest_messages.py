"""REST: channels, messages, threads, thread members and DMs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import permissions as P
from .models import DM, GUILD_TEXT, JSON, PRIVATE_THREAD, PUBLIC_THREAD, Channel, Message
from .rest import API, ApiError, body_of, files_of, json_response, no_content, snowflake
from .rest_forum import forum_errors, patch_forum, start_post, update_thread

if TYPE_CHECKING:
    from .simulator import Simulator

_SENDABLE_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)  # suppress embeds/notifications, components v2


def message_fields(body: JSON, files: list[str]) -> dict[str, Any]:
    """The stored fields of a message create payload."""
    attachments = [
        {
            "id": str(i),
            "filename": str(a.get("filename") or f"file{i}"),
            "size": 0,
            "url": f"https://cdn.invalid/{a.get('filename')}",
            "proxy_url": "",
            "content_type": None,
        }
        for i, a in enumerate(body.get("attachments") or [])
    ] or [
        {"id": str(i), "filename": f.split("=", 1)[-1], "size": 0, "url": "", "proxy_url": ""}
        for i, f in enumerate(files)
    ]
    return {
        "embeds": list(body.get("embeds") or []),
        "components": list(body.get("components") or []),
        "attachments": attachments,
        "tts": bool(body.get("tts")),
    }


class MessageRoutes:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.world = sim.world

    def register(self, router: web.UrlDispatcher) -> None:
        r, s = router, self
        ch = API + r"/channels/{channel_id:\d+}"
        r.add_get(ch, s.get_channel)
        r.add_patch(ch, s.patch_channel)
        r.add_delete(ch, s.delete_channel)
        r.add_get(ch + "/messages", s.list_messages)
        r.add_post(ch + "/messages", s.create_message)
        r.add_get(ch + r"/messages/{message_id:\d+}", s.get_message)
        r.add_patch(ch + r"/messages/{message_id:\d+}", s.edit_message)
        r.add_delete(ch + r"/messages/{message_id:\d+}", s.delete_message)
        r.add_put(ch + r"/messages/{message_id:\d+}/reactions/{emoji}/@me", s.react)
        r.add_post(ch + "/typing", s.typing)
        r.add_post(ch + "/threads", s.create_thread)
        r.add_post(ch + r"/messages/{message_id:\d+}/threads", s.thread_from_message)
        r.add_get(ch + "/thread-members", s.list_thread_members)
        r.add_get(ch + "/thread-members/{user_id}", s.get_thread_member)
        r.add_put(ch + "/thread-members/{user_id}", s.add_thread_member)
        r.add_delete(ch + "/thread-members/{user_id}", s.remove_thread_member)
        r.add_post(API + "/users/@me/channels", s.open_dm)

    # ---- helpers -----------------------------------------------------------------------
    def channel(self, request: web.Request) -> Channel:
        ch = self.world.channel(snowflake(request, "channel_id"))
        if ch is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return ch

    def need(self, ch: Channel, *perms: str) -> None:
        guild = self.world.guild_of(ch.id)
        if guild is None:
            return
        have = guild.permissions_for(self.world.bot_user.id, ch.id)
        if not have & P.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        for perm in perms:
            if not have & P.perm_value(perm):
                raise ApiError(403, 50013, "Missing Permissions")

    def can(self, ch: Channel, perm: str) -> bool:
        guild = self.world.guild_of(ch.id)
        return guild is not None and guild.can(self.world.bot_user.id, perm, ch)

    def message(self, request: web.Request, ch: Channel) -> Message:
        msg = self.world.messages.get(snowflake(request, "message_id"))
        if msg is None or msg.deleted or msg.channel_id != ch.id or msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    # ---- channels ----------------------------------------------------------------------
    async def get_channel(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        self.need(ch)
        data = ch.to_dict()
        if ch.is_thread and self.world.bot_user.id in ch.thread_members:
            guild = self.world.guild_of(ch.id)
            assert guild is not None
            data["member"] = guild.thread_member_dict(ch, self.world.bot_user.id)
        return json_response(data)

    async def patch_channel(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        body: JSON = body_of(request) or {}
        guild = self.world.guild_of(ch.id)
        if ch.is_thread and guild is not None:
            self.need(ch)
            with forum_errors():
                update_thread(guild, ch, body, self.world.bot_user.id)
            return json_response(ch.to_dict())
        self.need(ch, "MANAGE_CHANNELS")
        if ch.is_forum and guild is not None:
            with forum_errors():
                patch_forum(guild, ch, body)
        for key in ("name", "topic"):
            if key in body and body[key] is not None:
                setattr(ch, key, body[key])
        self.world.emit("CHANNEL_UPDATE", ch.to_dict(), ch.guild_id)
        return json_response(ch.to_dict())

    async def delete_channel(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        guild = self.world.guild_of(ch.id)
        if guild is None:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        self.need(ch, "MANAGE_THREADS" if ch.is_thread else "MANAGE_CHANNELS")
        guild.delete_channel(ch.id)
        return json_response(ch.to_dict())

    async def open_dm(self, request: web.Request) -> web.StreamResponse:
        body: JSON = body_of(request) or {}
        user = self.world.users.get(int(body.get("recipient_id") or 0))
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return json_response(self.world.dm_channel(user).to_dict())

    # ---- messages ----------------------------------------------------------------------
    async def list_messages(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        self.need(ch, "READ_MESSAGE_HISTORY")
        q = request.query
        limit = max(1, min(int(q.get("limit", 50)), 100))
        msgs = self.world.history(
            ch.id,
            limit=limit,
            before=int(q["before"]) if "before" in q else None,
            after=int(q["after"]) if "after" in q else None,
            around=int(q["around"]) if "around" in q else None,
        )
        return json_response([self.sim.gateway.rest_message(m.to_dict()) for m in msgs])

    async def create_message(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        body: JSON = body_of(request) or {}
        if ch.type == DM:
            if not ch.recipients or not ch.recipients[0].dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            self.need(ch, "SEND_MESSAGES_IN_THREADS" if ch.is_thread else "SEND_MESSAGES")
            if ch.is_thread and ch.locked and not self.can(ch, "MANAGE_THREADS"):
                raise ApiError(403, 50083, "Thread is locked")
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing = self.world.check_nonce(ch.id, str(nonce))
            if existing is not None:
                self.sim.nonce_hits += 1
                return json_response(existing.to_dict())
        files: list[str] = files_of(request)
        fields = message_fields(body, files)
        content = body.get("content") or ""
        if not (
            content
            or fields["embeds"]
            or fields["components"]
            or fields["attachments"]
            or body.get("sticker_ids")
            or body.get("poll")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")
        ref = body.get("message_reference")
        if ref:
            target = self.world.messages.get(int(ref.get("message_id") or 0))
            if (target is None or target.deleted) and ref.get("fail_if_not_exists", True):
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [
                                {"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}
                            ]
                        }
                    },
                )
            ref = {
                "type": 0,
                "message_id": str(ref.get("message_id")),
                "channel_id": str(ch.id),
                **({"guild_id": str(ch.guild_id)} if ch.guild_id else {}),
            }
        msg = self.world.create_message(
            ch,
            self.world.bot_user,
            content,
            allowed_mentions=body.get("allowed_mentions"),
            flags=int(body.get("flags") or 0) & _SENDABLE_FLAGS,
            nonce=nonce,
            message_reference=ref,
            type=19 if ref else 0,
            **fields,
        )
        if nonce is not None and body.get("enforce_nonce"):
            self.world.remember_nonce(ch.id, str(nonce), msg.id)
        self.sim.note_bot_message(msg)
        return json_response(msg.to_dict())

    async def get_message(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        self.need(ch, "READ_MESSAGE_HISTORY")
        return json_response(self.sim.gateway.rest_message(self.message(request, ch).to_dict()))

    async def edit_message(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        msg = self.message(request, ch)
        if msg.author.id != self.world.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.world.edit_message(msg, body_of(request) or {})
        self.sim.registry.message_edited(msg.id)
        return json_response(msg.to_dict())

    async def delete_message(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        msg = self.message(request, ch)
        if msg.author.id != self.world.bot_user.id:
            self.need(ch, "MANAGE_MESSAGES")
        self.world.delete_message(msg)
        return no_content()

    async def react(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        self.message(request, ch)
        self.need(ch, "ADD_REACTIONS", "READ_MESSAGE_HISTORY")
        return no_content()

    async def typing(self, request: web.Request) -> web.StreamResponse:
        self.channel(request)
        return no_content()

    # ---- threads -----------------------------------------------------------------------
    async def create_thread(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        body: JSON = body_of(request) or {}
        guild = self.world.guild_of(ch.id)
        if guild is not None and ch.is_forum:
            self.need(ch, "SEND_MESSAGES")
            with forum_errors():
                fields = message_fields(body.get("message") or {}, files_of(request))
                return json_response(start_post(self.sim, guild, ch, body, fields), 201)
        if guild is None or ch.type != GUILD_TEXT:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        kind = int(body.get("type") or PRIVATE_THREAD)
        private = kind == PRIVATE_THREAD
        self.need(ch, "CREATE_PRIVATE_THREADS" if private else "CREATE_PUBLIC_THREADS")
        th = guild.create_thread(
            ch, str(body.get("name")), private=private, invitable=bool(body.get("invitable", True))
        )
        if body.get("auto_archive_duration"):
            th.auto_archive_duration = int(body["auto_archive_duration"])
        data = th.to_dict()
        data["member"] = guild.thread_member_dict(th, self.world.bot_user.id)
        return json_response(data, 201)

    async def thread_from_message(self, request: web.Request) -> web.StreamResponse:
        ch = self.channel(request)
        msg = self.message(request, ch)
        guild = self.world.guild_of(ch.id)
        if guild is None or ch.type != GUILD_TEXT:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        self.need(ch, "CREATE_PUBLIC_THREADS")
        if msg.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        body: JSON = body_of(request) or {}
        th = guild.create_thread(ch, str(body.get("name")), thread_id=msg.id)
        assert th.type == PUBLIC_THREAD
        msg.thread_id = th.id
        data = th.to_dict()
        data["member"] = guild.thread_member_dict(th, self.world.bot_user.id)
        return json_response(data, 201)

    def _thread_target(self, request: web.Request) -> tuple[Channel, int]:
        th = self.channel(request)
        if not th.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        raw = request.match_info["user_id"]
        uid = self.world.bot_user.id if raw == "@me" else int(raw) if raw.isdigit() else -1
        guild = self.world.guild_of(th.id)
        if guild is None or uid not in guild.members:
            raise ApiError(404, 10007, "Unknown Member")
        return th, uid

    async def list_thread_members(self, request: web.Request) -> web.StreamResponse:
        th = self.channel(request)
        guild = self.world.guild_of(th.id)
        if guild is None or not th.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        return json_response([guild.thread_member_dict(th, u) for u in th.thread_members])

    async def get_thread_member(self, request: web.Request) -> web.StreamResponse:
        th, uid = self._thread_target(request)
        guild = self.world.guild_of(th.id)
        if guild is None or uid not in th.thread_members:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(guild.thread_member_dict(th, uid))

    async def add_thread_member(self, request: web.Request) -> web.StreamResponse:
        th, uid = self._thread_target(request)
        guild = self.world.guild_of(th.id)
        assert guild is not None
        bot = self.world.bot_user.id
        if th.archived:
            raise ApiError(400, 50083, "Thread is archived")
        if uid != bot:
            self.need(th, "SEND_MESSAGES_IN_THREADS")
            if th.type == PRIVATE_THREAD and bot not in th.thread_members:
                self.need(th, "MANAGE_THREADS")
        guild.add_thread_member(th, uid)
        return no_content()

    async def remove_thread_member(self, request: web.Request) -> web.StreamResponse:
        th, uid = self._thread_target(request)
        guild = self.world.guild_of(th.id)
        assert guild is not None
        if uid != self.world.bot_user.id and th.owner_id != self.world.bot_user.id:
            self.need(th, "MANAGE_THREADS")
        guild.remove_thread_member(th, uid)
        return no_content()
