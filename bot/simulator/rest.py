"""The REST application: middleware (auth, faults, validation, logging) and shared helpers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from .faults import Fault
from .spec import FieldError

if TYPE_CHECKING:
    from .simulator import Simulator

log = logging.getLogger(__name__)
API = "/api/v10"
_NO_AUTH = re.compile(r"^/(webhooks/\d+/[^/]+|interactions/\d+/[^/]+/callback)(/|$)")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
BODY: web.RequestKey[Any] = web.RequestKey("sim_body", object)
FILES: web.RequestKey[list[str]] = web.RequestKey("sim_files", list)


@dataclass
class RequestRecord:
    """One request the bot sent. Iterates as (method, path, json)."""

    method: str
    path: str
    json: Any
    status: int = 0
    query: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.path, self.json))


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def response(self) -> web.Response:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return json_response(data, self.status)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # body= (not text=) so aiohttp does not append "; charset=utf-8": discord.py needs it exact.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def body_of(request: web.Request) -> Any:
    return request.get(BODY)


def files_of(request: web.Request) -> list[str]:
    return request.get(FILES) or []


def nest_errors(errors: list[FieldError]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for err in errors:
        node = root
        for part in err.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": err.code, "message": err.message})
    return root


def fault_response(fault: Fault) -> web.Response:
    status = fault.status or 500
    headers = {"Via": "1.1 google"} if status == 429 else None
    if status == 429:
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
    return json_response(fault.body(), status, headers)


async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
    if not request.can_read_body:
        return None, []
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        form = await request.post()
        files = [
            f"{name}={getattr(value, 'filename', '')}"
            for name, value in form.items()
            if name != "payload_json"
        ]
        raw = form.get("payload_json")
        return (json.loads(raw) if isinstance(raw, str) else None), files
    text = await request.text()
    if not text:
        return None, []
    try:
        return json.loads(text), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


def make_middleware(sim: Simulator) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API + "/"):
            return await handler(request)
        arrived = time.perf_counter()
        path = request.path[len(API) :]
        record = RequestRecord(request.method, path, None, 0, dict(request.query))
        sim.requests.append(record)
        try:
            record.json, record.files = await _read_body(request)
            request[BODY] = record.json
            request[FILES] = record.files
            sim.note_arrival(request.method, path, arrived)
            response = await _process(sim, request, handler, path, record.json)
        except ApiError as exc:
            response = exc.response()
            sim.note_rejection(request.method, path, f"{exc.status} {exc.code} {exc.message}")
        except (web.HTTPException, asyncio.CancelledError):
            raise
        except Exception as exc:  # a simulator bug must not look like a retryable Discord 5xx
            log.exception("simulator error on %s %s", request.method, path)
            sim.internal_errors.append(f"{request.method} {path}: {exc!r}")
            response = ApiError(400, 0, f"simulator internal error: {exc!r}").response()
        record.status = response.status
        return response

    return middleware


async def _process(
    sim: Simulator, request: web.Request, handler: Handler, path: str, body: Any
) -> web.StreamResponse:
    method = request.method
    if not _NO_AUTH.match(path) and request.headers.get("Authorization") != f"Bot {sim.token}":
        raise ApiError(401, 0, "401: Unauthorized")
    fault = sim.faults.match(method, path)
    if fault is not None and fault.delay:
        await asyncio.sleep(fault.delay)
    if fault is not None and fault.status and not fault.after_effect:
        sim.note_rejection(method, path, f"{fault.status} (injected fault)")
        return fault_response(fault)
    if body is not None and method in ("POST", "PUT", "PATCH"):
        errors = sim.validate(method, path, body)
        if errors:
            sim.record_violation(method, path, errors, body)
            raise ApiError(400, 50035, "Invalid Form Body", nest_errors(errors))
    response = await handler(request)
    if fault is not None and fault.status and fault.after_effect:
        sim.note_rejection(method, path, f"{fault.status} (injected fault, after effect)")
        return fault_response(fault)
    return response


async def not_found(request: web.Request) -> web.StreamResponse:
    raise ApiError(404, 0, f"404: Not Found (the simulator has no {request.method} {request.path})")


def snowflake(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise ApiError(
            400,
            50035,
            "Invalid Form Body",
            {
                name: {
                    "_errors": [
                        {"code": "NUMBER_TYPE_COERCE", "message": "Value is not snowflake."}
                    ]
                }
            },
        ) from None
