"""Request-body validation against Discord's own OpenAPI description (read at runtime)."""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

log = logging.getLogger(__name__)

SPEC_URI = "urn:discord-openapi"
_REPO_ROOT = Path(__file__).resolve().parents[2]

ErrorPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    path: ErrorPath
    code: str
    message: str

    def describe(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<body>"
        return f"{where}: {self.message}"


def default_spec_path() -> Path:
    env = os.environ.get("NEXUS_DISCORD_SPEC")
    if env:
        return Path(env)
    return _REPO_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"


def load_spec(path: Path) -> dict[str, Any] | None:
    """The spec with SnowflakeType widened to accept ints (discord.py sends some as ints)
    and channel type 16 (media) known."""
    return _load(path.resolve())


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any] | None:
    """Read once per file (a missing file is reported once, then remembered as missing)."""
    if not path.is_file():
        log.warning(
            "Discord OpenAPI spec not found at %s: request bodies are checked against the "
            "documented limits only (set NEXUS_DISCORD_SPEC to enable schema validation)",
            path,
        )
        return None
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    original = copy.deepcopy(schemas["SnowflakeType"])
    schemas["SnowflakeType"] = {"anyOf": [original, {"type": "integer", "minimum": 0}]}
    # Discord documents channel type 16 (GUILD_MEDIA) and accepts it, e.g. in a channel
    # option's channel_types (discord.py sends [15, 16] for a ForumChannel option); the
    # spec's enum lacks it.
    kinds = schemas["ChannelTypes"].get("oneOf")
    if isinstance(kinds, list) and not any(k.get("const") == 16 for k in kinds):
        kinds.append({"title": "GUILD_MEDIA", "const": 16})
    return spec


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


_CODES = MappingProxyType(
    {
        "maxLength": "BASE_TYPE_MAX_LENGTH",
        "minLength": "BASE_TYPE_MIN_LENGTH",
        "maxItems": "BASE_TYPE_MAX_LENGTH",
        "minItems": "BASE_TYPE_MIN_LENGTH",
        "required": "BASE_TYPE_REQUIRED",
        "type": "BASE_TYPE_BAD_TYPE",
        "enum": "BASE_TYPE_CHOICES",
        "maximum": "NUMBER_TYPE_MAX",
        "minimum": "NUMBER_TYPE_MIN",
    }
)


def _message(error: ValidationError) -> str:
    kw, value = str(error.validator), error.validator_value
    if kw in ("maxLength", "maxItems"):
        return f"Must be {value} or fewer in length."
    if kw in ("minLength", "minItems"):
        return f"Must be {value} or more in length."
    if kw == "required":
        return "This field is required"
    if kw == "enum":
        return f"Value must be one of {value}."
    if kw == "maximum":
        return f"Must be less than or equal to {value}."
    if kw == "minimum":
        return f"Must be greater than or equal to {value}."
    text = error.message
    return text if len(text) <= 200 else text[:197] + "..."


def _leaf(error: ValidationError) -> ValidationError:
    """The most specific error under anyOf/oneOf: from the branch that matched best."""
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            key = sub.relative_schema_path[0] if sub.relative_schema_path else None
            branches.setdefault(key, []).append(sub)
        # The branch whose errors sit deepest matched the body's shape; then the fewest errors.
        group = max(
            branches.values(),
            key=lambda errs: (min(len(e.relative_path) for e in errs), -len(errs)),
        )
        nxt = best_match(group)
        if nxt is None:
            break
        error = nxt
    return error


class SpecValidator:
    """Validates JSON request bodies by matching the path against the spec's templates."""

    def __init__(self, spec_path: Path | str | None = None) -> None:
        self.path = Path(spec_path) if spec_path is not None else default_spec_path()
        self.spec = load_spec(self.path)
        self._routes: list[tuple[re.Pattern[str], str]] = []
        self._validators: dict[tuple[str, str, Any], Draft202012Validator | None] = {}
        self._registry: Registry[Any] = Registry()
        if self.spec is not None:
            resource = DRAFT202012.create_resource(self.spec)
            self._registry = Registry().with_resource(SPEC_URI, resource)
            templates = []
            for template in self.spec["paths"]:
                regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
                literal = sum(1 for seg in template.split("/") if seg and "{" not in seg)
                templates.append((literal, template, re.compile(f"^{regex}$")))
            templates.sort(key=lambda t: -t[0])
            self._routes = [(rx, tpl) for _, tpl, rx in templates]

    @property
    def available(self) -> bool:
        return self.spec is not None

    def template_for(self, path: str) -> str | None:
        for rx, template in self._routes:
            if rx.match(path):
                return template
        return None

    def _schema_ref(self, template: str, method: str) -> str | None:
        assert self.spec is not None
        op = self.spec["paths"].get(template, {}).get(method.lower())
        if not op:
            return None
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        return _pointer(
            "paths",
            template,
            method.lower(),
            "requestBody",
            "content",
            "application/json",
            "schema",
        )

    def _branch_for(self, pointer: str, body: Any) -> str:
        """For a union keyed by `type` (interaction callbacks), the branch for body["type"]."""
        assert self.spec is not None
        node: Any = self.spec
        for part in pointer.split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        branches = node.get("anyOf") if isinstance(node, dict) else None
        if not branches or not isinstance(body, dict) or "type" not in body:
            return pointer
        for branch in branches:
            ref = branch.get("$ref", "")
            if not ref.startswith("#/components/schemas/"):
                return pointer
            schema = self.spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
            enum = schema.get("properties", {}).get("type", {}).get("enum")
            if enum is None:
                return pointer
            if body["type"] in enum:
                return ref[2:]
        return pointer

    def _validator(self, method: str, template: str, body: Any) -> Draft202012Validator | None:
        key = (method, template, body.get("type") if isinstance(body, dict) else None)
        if key in self._validators:
            return self._validators[key]
        pointer = self._schema_ref(template, method)
        validator = None
        if pointer is not None:
            pointer = self._branch_for(pointer, body)
            schema = {"$ref": f"{SPEC_URI}#/{pointer}"}
            validator = Draft202012Validator(schema, registry=self._registry)
        self._validators[key] = validator
        return validator

    def validate_object(self, pointer: str, obj: Any) -> list[FieldError]:
        """Validate `obj` against the schema at `pointer` in the spec (e.g. the shape of an
        object the simulator sends: "components/schemas/AttachmentResponse")."""
        if self.spec is None:
            return []
        validator = Draft202012Validator(
            {"$ref": f"{SPEC_URI}#/{pointer}"}, registry=self._registry
        )
        return self._errors(validator, obj)

    def validate_response(
        self, method: str, path: str, obj: Any, status: int = 200
    ) -> list[FieldError]:
        """Validate what the simulator answers to `method path` against the documented
        response of that status."""
        template = self.template_for(path) if self.spec is not None else None
        if template is None:
            return []
        parts = ("paths", template, method.lower(), "responses", str(status), "content")
        return self.validate_object(_pointer(*parts, "application/json", "schema"), obj)

    def _errors(self, validator: Draft202012Validator, body: Any) -> list[FieldError]:
        errors: list[FieldError] = []
        for error in validator.iter_errors(body):
            leaf = _leaf(error)
            message = _message(leaf)
            code = _CODES.get(str(leaf.validator), "SCHEMA_" + str(leaf.validator).upper())
            path = tuple(leaf.absolute_path)
            if leaf.validator == "required":  # Discord names the missing field itself
                missing = [k for k in leaf.validator_value if k not in (leaf.instance or {})]
                path = (*path, *missing[:1])
            errors.append(FieldError(path, code, message))
            if len(errors) >= 20:
                break
        return errors

    def validate(self, method: str, path: str, body: Any) -> list[FieldError]:
        if self.spec is None:
            return []
        template = self.template_for(path)
        if template is None:
            return []
        validator = self._validator(method.upper(), template, body)
        if validator is None:
            return []
        return self._errors(validator, body)
