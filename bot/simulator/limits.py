"""Documented limits the OpenAPI schema lacks, and the allowed-mentions rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .spec import ErrorPath, FieldError

JSON = dict[str, Any]
COMPONENTS_V2 = 1 << 15


@dataclass
class MentionPolicy:
    """What a message payload may parse. Tests opt in, e.g. `policy.allowed_parse.add("users")`."""

    allowed_parse: set[str] = field(default_factory=set)
    require_allowed_mentions: bool = True


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, path: ErrorPath, code: str, message: str) -> None:
        self.items.append(FieldError(path, code, message))

    def max_len(self, value: Any, limit: int, path: ErrorPath, minimum: int = 0) -> None:
        if isinstance(value, str):
            if len(value) > limit:
                self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
            elif len(value) < minimum:
                self.add(path, "BASE_TYPE_MIN_LENGTH", f"Must be {minimum} or more in length.")


def _text_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_embeds(embeds: Any, errors: _Errors, prefix: ErrorPath) -> None:
    if not isinstance(embeds, list):
        return
    if len(embeds) > 10:
        errors.add((*prefix, "embeds"), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        at = (*prefix, "embeds", i)
        errors.max_len(embed.get("title"), 256, (*at, "title"))
        errors.max_len(embed.get("description"), 4096, (*at, "description"))
        total += _text_len(embed.get("title")) + _text_len(embed.get("description"))
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.add((*at, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            if isinstance(fld, dict):
                errors.max_len(fld.get("name"), 256, (*at, "fields", j, "name"))
                errors.max_len(fld.get("value"), 1024, (*at, "fields", j, "value"))
                total += _text_len(fld.get("name")) + _text_len(fld.get("value"))
        footer = embed.get("footer") or {}
        author = embed.get("author") or {}
        errors.max_len(footer.get("text"), 2048, (*at, "footer", "text"))
        errors.max_len(author.get("name"), 256, (*at, "author", "name"))
        total += _text_len(footer.get("text")) + _text_len(author.get("name"))
    if total > 6000:
        errors.add(
            (*prefix, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of 6000 (got {total} characters in total).",
        )


def _walk_interactive(
    components: Iterable[Any], path: ErrorPath
) -> Iterable[tuple[JSON, ErrorPath]]:
    for i, comp in enumerate(components):
        if not isinstance(comp, dict):
            continue
        at = (*path, i)
        yield comp, at
        if isinstance(comp.get("components"), list):
            yield from _walk_interactive(comp["components"], (*at, "components"))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield comp[key], (*at, key)


def _check_component(comp: JSON, at: ErrorPath, errors: _Errors, seen: set[str]) -> None:
    ctype = comp.get("type")
    custom_id = comp.get("custom_id")
    if isinstance(custom_id, str):
        errors.max_len(custom_id, 100, (*at, "custom_id"), 1)
        if custom_id in seen:
            errors.add(
                (*at, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    if ctype == 2:
        errors.max_len(comp.get("label"), 80, (*at, "label"))
        if comp.get("style") not in (5, 6) and not custom_id:
            errors.add((*at, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
    elif ctype in (3, 5, 6, 7, 8):
        errors.max_len(comp.get("placeholder"), 150, (*at, "placeholder"))
        for key in ("min_values", "max_values"):
            value = comp.get(key)
            if isinstance(value, int) and not 0 <= value <= 25:
                errors.add((*at, key), "NUMBER_TYPE_MAX", "Must be between 0 and 25.")
        if ctype == 3:
            options = comp.get("options") or []
            if not 1 <= len(options) <= 25:
                errors.add(
                    (*at, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
                )
            for j, opt in enumerate(options):
                if isinstance(opt, dict):
                    errors.max_len(opt.get("label"), 100, (*at, "options", j, "label"), 1)
                    errors.max_len(opt.get("value"), 100, (*at, "options", j, "value"), 1)
                    errors.max_len(opt.get("description"), 100, (*at, "options", j, "description"))
    elif ctype == 4:
        _check_text_input(comp, at, errors)
    elif ctype == 18:
        errors.max_len(comp.get("label"), 45, (*at, "label"), 1)
        errors.max_len(comp.get("description"), 100, (*at, "description"))


def _check_text_input(comp: JSON, at: ErrorPath, errors: _Errors) -> None:
    errors.max_len(comp.get("label"), 45, (*at, "label"), 1)
    errors.max_len(comp.get("value"), 4000, (*at, "value"))
    errors.max_len(comp.get("placeholder"), 100, (*at, "placeholder"))
    for key, lo in (("max_length", 1), ("min_length", 0)):
        value = comp.get(key)
        if isinstance(value, int) and not lo <= value <= 4000:
            errors.add((*at, key), "NUMBER_TYPE_MAX", f"Must be between {lo} and 4000.")


def check_components(components: Any, flags: Any, errors: _Errors, prefix: ErrorPath) -> None:
    if not isinstance(components, list):
        return
    path = (*prefix, "components")
    v2 = isinstance(flags, int) and bool(flags & COMPONENTS_V2)
    if not v2:
        if len(components) > 5:
            errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for i, row in enumerate(components):
            if not isinstance(row, dict) or row.get("type") != 1:
                continue
            children = row.get("components") or []
            buttons = [c for c in children if isinstance(c, dict) and c.get("type") == 2]
            if len(children) > 5:
                errors.add(
                    (*path, i, "components"),
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 5 or fewer in length.",
                )
            if len(buttons) != len(children) and len(children) > 1:
                errors.add(
                    (*path, i, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "A select menu must be alone in its action row.",
                )
    seen: set[str] = set()
    for comp, at in _walk_interactive(components, path):
        _check_component(comp, at, errors, seen)


def check_allowed_mentions(
    payload: JSON, errors: _Errors, prefix: ErrorPath, policy: MentionPolicy, *, creating: bool
) -> None:
    has_content = isinstance(payload.get("content"), str)
    allowed = payload.get("allowed_mentions")
    if allowed is None:
        if policy.require_allowed_mentions and (creating or has_content):
            errors.add(
                (*prefix, "allowed_mentions"),
                "ALLOWED_MENTIONS_REQUIRED",
                "allowed_mentions is missing: Discord would parse every mention in the content "
                "(set AllowedMentions.none() as the client default)",
            )
        return
    parse = allowed.get("parse") or []
    bad = [p for p in parse if p not in policy.allowed_parse]
    if bad:
        errors.add(
            (*prefix, "allowed_mentions", "parse"),
            "ALLOWED_MENTIONS_PARSE",
            f"allowed_mentions.parse contains {bad}: this message could ping; list the users or "
            "roles to ping explicitly instead",
        )


def check_message(
    payload: Any, errors: _Errors, prefix: ErrorPath, policy: MentionPolicy, *, creating: bool
) -> None:
    if not isinstance(payload, dict):
        return
    errors.max_len(payload.get("content"), 2000, (*prefix, "content"))
    check_embeds(payload.get("embeds"), errors, prefix)
    check_components(payload.get("components"), payload.get("flags"), errors, prefix)
    check_allowed_mentions(payload, errors, prefix, policy, creating=creating)


def check_choices(data: Any, errors: _Errors) -> None:
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        return
    if len(choices) > 25:
        errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        if isinstance(choice, dict):
            errors.max_len(choice.get("name"), 100, ("data", "choices", i, "name"), 1)
            errors.max_len(choice.get("value"), 100, ("data", "choices", i, "value"), 1)


def check_modal(data: Any, errors: _Errors) -> None:
    if not isinstance(data, dict):
        return
    errors.max_len(data.get("title"), 45, ("data", "title"), 1)
    errors.max_len(data.get("custom_id"), 100, ("data", "custom_id"), 1)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors.add(
            ("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    seen: set[str] = set()
    for comp, at in _walk_interactive(components, ("data", "components")):
        _check_component(comp, at, errors, seen)


_MESSAGES = re.compile(r"^/channels/\d+/messages$")
_MESSAGE = re.compile(r"^/channels/\d+/messages/\d+$")
_WEBHOOK = re.compile(r"^/webhooks/\d+/[^/]+$")
_WEBHOOK_MESSAGE = re.compile(r"^/webhooks/\d+/[^/]+/messages/[^/]+$")
_CALLBACK = re.compile(r"^/interactions/\d+/[^/]+/callback$")
_THREADS = re.compile(r"^/channels/\d+/threads$")


def check_request(method: str, path: str, body: Any, policy: MentionPolicy) -> list[FieldError]:
    """Limits for the request kinds that carry messages, choices or modals."""
    errors = _Errors()
    if method == "POST" and (_MESSAGES.match(path) or _WEBHOOK.match(path)):
        check_message(body, errors, (), policy, creating=True)
    elif method == "PATCH" and (_MESSAGE.match(path) or _WEBHOOK_MESSAGE.match(path)):
        check_message(body, errors, (), policy, creating=False)
    elif method == "POST" and _THREADS.match(path) and isinstance(body, dict):
        check_message(body.get("message"), errors, ("message",), policy, creating=True)
    elif method == "POST" and _CALLBACK.match(path) and isinstance(body, dict):
        kind, data = body.get("type"), body.get("data")
        if kind == 4:
            check_message(data, errors, ("data",), policy, creating=True)
        elif kind == 7:
            check_message(data, errors, ("data",), policy, creating=False)
        elif kind == 8:
            check_choices(data, errors)
        elif kind == 9:
            check_modal(data, errors)
    return errors.items
