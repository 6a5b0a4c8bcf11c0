"""REST: interaction callbacks and the interaction webhook (followups, @original)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from aiohttp import web

from .interactions import ALLOWED_CALLBACKS, APPLICATION_COMMAND, InteractionRecord
from .models import EPHEMERAL, JSON, LOADING, Message
from .rest import API, ApiError, body_of, files_of, json_response, no_content, snowflake
from .rest_messages import message_fields

if TYPE_CHECKING:
    from .simulator import Simulator

FOLLOWUP_TTL = 15 * 60.0


class InteractionRoutes:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.world = sim.world

    def register(self, router: web.UrlDispatcher) -> None:
        r, s = router, self
        r.add_post(API + r"/interactions/{iid:\d+}/{token}/callback", s.callback)
        hook = API + r"/webhooks/{app:\d+}/{token}"
        r.add_post(hook, s.followup)
        r.add_get(hook + "/messages/{mid}", s.get_message)
        r.add_patch(hook + "/messages/{mid}", s.edit_message)
        r.add_delete(hook + "/messages/{mid}", s.delete_message)

    # ---- callback ----------------------------------------------------------------------
    async def callback(self, request: web.Request) -> web.StreamResponse:
        record = self.sim.registry.by_id.get(snowflake(request, "iid"))
        if record is None or record.token != request.match_info["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        window = self.sim.interaction_window
        started = record.dispatched_at or record.created_at
        if window is not None and time.perf_counter() - started > window:
            record.expired = True  # nothing can answer this interaction any more
            raise ApiError(404, 10062, "Unknown interaction")
        if record.acked:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body: JSON = body_of(request) or {}
        kind = int(body.get("type") or 0)
        if kind not in ALLOWED_CALLBACKS.get(record.type, set()):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"Interaction response type {kind} is invalid here",
                            }
                        ]
                    }
                },
            )
        data: JSON = body.get("data") or {}
        msg: Message | None = None
        if kind in (4, 5):
            msg = self._response_message(record, data, loading=kind == 5)
            record.original_message_id = msg.id
            record.deferred = kind == 5
            if kind == 4:
                record.answer_message_id = msg.id
        elif kind in (6, 7):
            msg = self.world.messages.get(record.source_message_id or 0)
            if msg is None:
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "type": {
                            "_errors": [
                                {
                                    "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                    "message": "There is no message to update",
                                }
                            ]
                        }
                    },
                )
            record.original_message_id = msg.id
            if kind == 7:
                self.world.edit_message(msg, data)
                record.answer_message_id = msg.id
            else:
                record.deferred = True
                self.sim.registry.awaiting_edit[msg.id] = record
        elif kind == 8:
            record.choices = list(data.get("choices") or [])
        elif kind == 9:
            record.modal = data
        record.response_type = kind
        record.acked_at = time.perf_counter()
        record.final = kind not in (5, 6)
        record.touch()
        if kind in (1, 8):
            return no_content()
        ephemeral = bool(msg is not None and msg.flags & EPHEMERAL)
        resource: JSON = {"type": kind}
        if msg is not None:
            resource["message"] = msg.to_dict()
        return json_response(
            {
                "interaction": {
                    "id": str(record.id),
                    "type": record.type,
                    "response_message_id": str(msg.id) if msg else None,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": ephemeral,
                    "activity_instance_id": None,
                },
                "resource": resource,
            }
        )

    def _response_message(self, record: InteractionRecord, data: JSON, *, loading: bool) -> Message:
        ch = self.world.channels.get(record.channel_id)
        if ch is None:
            raise ApiError(404, 10003, "Unknown Channel")
        flags = int(data.get("flags") or 0)
        fields = message_fields(data, []) if not loading else {}
        msg = self.world.create_message(
            ch,
            self.world.bot_user,
            "" if loading else data.get("content") or "",
            allowed_mentions=data.get("allowed_mentions"),
            flags=(flags & (EPHEMERAL | 4 | 4096 | 1 << 15)) | (LOADING if loading else 0),
            type=20 if record.type == APPLICATION_COMMAND else 0,
            webhook_id=self.world.app_id,
            application_id=self.world.app_id,
            interaction_metadata=self._metadata(record),
            **fields,
        )
        self.sim.note_bot_message(msg)
        return msg

    def _metadata(self, record: InteractionRecord) -> JSON:
        user = self.world.users[record.user_id]
        owners = {"0": str(record.guild_id)} if record.guild_id else {"1": str(user.id)}
        meta: JSON = {
            "id": str(record.id),
            "type": record.type,
            "user": user.to_dict(),
            "authorizing_integration_owners": owners,
        }
        if record.source_message_id:
            meta["interacted_message_id"] = str(record.source_message_id)
        return meta

    # ---- webhook -----------------------------------------------------------------------
    def _record(self, request: web.Request) -> InteractionRecord:
        record = self.sim.registry.by_token.get(request.match_info["token"])
        if snowflake(request, "app") != self.world.app_id or record is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        if not record.acked or time.perf_counter() - record.created_at > FOLLOWUP_TTL:
            raise ApiError(404, 10015, "Unknown Webhook")
        return record

    def _target(self, request: web.Request, record: InteractionRecord) -> Message:
        mid = request.match_info["mid"]
        if mid == "@original":
            target = record.original_message_id
        elif mid.isdigit() and int(mid) in (record.original_message_id, *record.followup_ids):
            target = int(mid)
        else:
            target = None
        msg = self.world.messages.get(target or 0)
        if msg is None or msg.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    def _finish(self, record: InteractionRecord, msg: Message) -> None:
        if not record.final:
            record.final = True
            record.answer_message_id = msg.id
        record.touch()

    async def followup(self, request: web.Request) -> web.StreamResponse:
        record = self._record(request)
        body: JSON = body_of(request) or {}
        fields = message_fields(body, files_of(request))
        content = body.get("content") or ""
        if not (content or fields["embeds"] or fields["components"] or fields["attachments"]):
            raise ApiError(400, 50006, "Cannot send an empty message")
        original = self.world.messages.get(record.original_message_id or 0)
        if record.response_type == 5 and original is not None and original.flags & LOADING:
            # The first followup after a "thinking" defer replaces the loading message.
            changes = {
                **fields,
                "content": content,
                "allowed_mentions": body.get("allowed_mentions"),
            }
            self.world.edit_message(original, changes)
            msg = original
        else:
            ch = self.world.channels.get(record.channel_id)
            if ch is None:
                raise ApiError(404, 10003, "Unknown Channel")
            msg = self.world.create_message(
                ch,
                self.world.bot_user,
                content,
                allowed_mentions=body.get("allowed_mentions"),
                flags=int(body.get("flags") or 0) & (EPHEMERAL | 4 | 4096 | 1 << 15),
                webhook_id=self.world.app_id,
                application_id=self.world.app_id,
                interaction_metadata=self._metadata(record),
                **fields,
            )
            self.sim.note_bot_message(msg)
        record.followup_ids.append(msg.id)
        self._finish(record, msg)
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(msg.to_dict())
        return no_content()

    async def get_message(self, request: web.Request) -> web.StreamResponse:
        record = self._record(request)
        return json_response(self._target(request, record).to_dict())

    async def edit_message(self, request: web.Request) -> web.StreamResponse:
        record = self._record(request)
        msg = self._target(request, record)
        self.world.edit_message(msg, body_of(request) or {})
        if msg.id == record.original_message_id:
            self._finish(record, msg)
        else:
            record.touch()
        return json_response(msg.to_dict())

    async def delete_message(self, request: web.Request) -> web.StreamResponse:
        record = self._record(request)
        msg = self._target(request, record)
        self.world.delete_message(msg)
        record.touch()
        return no_content()
