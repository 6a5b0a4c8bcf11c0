"""What a test sees: messages, buttons, modals and the Reply to an action (all JSON-able)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

JSON = dict[str, Any]
SELECT_TYPES = (3, 5, 6, 7, 8)


def _int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def walk_components(components: list[JSON]) -> Iterator[JSON]:
    """Every component, depth first (rows, containers, sections, labels)."""
    for comp in components:
        yield comp
        if isinstance(comp.get("components"), list):
            yield from walk_components(comp["components"])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


@dataclass
class Button:
    label: str | None
    custom_id: str | None
    style: int
    disabled: bool = False
    url: str | None = None
    emoji: JSON | None = None

    @classmethod
    def from_component(cls, comp: JSON) -> Button:
        return cls(
            comp.get("label"),
            comp.get("custom_id"),
            int(comp.get("style", 1)),
            bool(comp.get("disabled", False)),
            comp.get("url"),
            comp.get("emoji"),
        )


@dataclass
class SelectMenu:
    custom_id: str
    type: int
    options: list[JSON]
    min_values: int = 1
    max_values: int = 1
    disabled: bool = False
    placeholder: str | None = None

    @classmethod
    def from_component(cls, comp: JSON) -> SelectMenu:
        return cls(
            comp.get("custom_id", ""),
            int(comp["type"]),
            list(comp.get("options") or []),
            int(comp.get("min_values", 1)),
            int(comp.get("max_values", 1)),
            bool(comp.get("disabled", False)),
            comp.get("placeholder"),
        )


def buttons_in(components: list[JSON]) -> list[Button]:
    """Every button of a message's components, in order across rows."""
    return [Button.from_component(c) for c in walk_components(components) if c.get("type") == 2]


def selects_in(components: list[JSON]) -> list[SelectMenu]:
    """Every select menu (any select type) of a message's components, in order."""
    return [
        SelectMenu.from_component(c)
        for c in walk_components(components)
        if c.get("type") in SELECT_TYPES
    ]


@dataclass
class MessageView:
    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str
    embeds: list[JSON]
    components: list[JSON]
    flags: int
    raw: JSON = field(repr=False)

    @classmethod
    def from_dict(cls, data: JSON) -> MessageView:
        return cls(
            int(data["id"]),
            int(data["channel_id"]),
            _int(data.get("guild_id")),
            int(data["author"]["id"]),
            data.get("content") or "",
            list(data.get("embeds") or []),
            list(data.get("components") or []),
            int(data.get("flags") or 0),
            data,
        )

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def buttons(self) -> list[Button]:
        return buttons_in(self.components)

    @property
    def selects(self) -> list[SelectMenu]:
        return selects_in(self.components)

    @property
    def mentions(self) -> list[int]:
        return [int(u["id"]) for u in self.raw.get("mentions", [])]

    @property
    def mention_roles(self) -> list[int]:
        return [int(r) for r in self.raw.get("mention_roles", [])]

    @property
    def mention_everyone(self) -> bool:
        return bool(self.raw.get("mention_everyone"))

    @property
    def pings(self) -> bool:
        """True when this message notified someone (a user, a role or @everyone)."""
        return bool(self.mentions or self.mention_roles or self.mention_everyone)

    @property
    def text(self) -> str:
        """Content plus embed titles/descriptions/fields: handy for `in` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class ModalField:
    custom_id: str
    label: str | None
    type: int = 4
    style: int = 1
    value: str | None = None
    required: bool = True
    min_length: int | None = None
    max_length: int | None = None
    placeholder: str | None = None
    options: list[JSON] = field(default_factory=list)
    in_label: bool = False


@dataclass
class Modal:
    custom_id: str
    title: str
    fields: list[ModalField]
    interaction_id: int
    raw: JSON = field(repr=False, default_factory=dict)

    def field(self, custom_id: str) -> ModalField:
        for f in self.fields:
            if f.custom_id == custom_id:
                return f
        raise KeyError(f"modal {self.custom_id!r} has no field {custom_id!r}")

    @classmethod
    def from_data(cls, data: JSON, interaction_id: int) -> Modal:
        fields: list[ModalField] = []
        for comp in data.get("components") or []:
            if comp.get("type") == 1:
                for child in comp.get("components") or []:
                    fields.append(_modal_field(child, child.get("label"), in_label=False))
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                fields.append(_modal_field(comp["component"], comp.get("label"), in_label=True))
        return cls(data.get("custom_id", ""), data.get("title", ""), fields, interaction_id, data)


def _modal_field(comp: JSON, label: str | None, *, in_label: bool) -> ModalField:
    return ModalField(
        comp.get("custom_id", ""),
        label,
        int(comp.get("type", 4)),
        int(comp.get("style", 1)),
        comp.get("value"),
        bool(comp.get("required", True)),
        comp.get("min_length"),
        comp.get("max_length"),
        comp.get("placeholder"),
        list(comp.get("options") or []),
        in_label,
    )


class ReplySource(Protocol):
    async def _wait_followups(self, interaction_id: int, n: int, timeout: float) -> list[JSON]: ...  # noqa: ASYNC109


@dataclass
class Reply:
    """The bot's answer to one action (a command, click, modal submit ...)."""

    interaction_id: int
    name: str
    response_type: int | None
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    ephemeral: bool = False
    deferred: bool = False
    modal: Modal | None = None
    choices: list[JSON] | None = None
    message: MessageView | None = None
    original: MessageView | None = None
    followups: list[MessageView] = field(default_factory=list)
    violations: list[JSON] = field(default_factory=list)
    _source: ReplySource | None = field(default=None, repr=False, compare=False)

    @property
    def buttons(self) -> list[Button]:
        return buttons_in(self.components)

    @property
    def selects(self) -> list[SelectMenu]:
        return selects_in(self.components)

    @property
    def text(self) -> str:
        return self.message.text if self.message is not None else self.content

    async def wait_followups(self, n: int = 1, timeout: float = 5.0) -> list[MessageView]:  # noqa: ASYNC109
        """Wait until the interaction has at least `n` followups; returns (and stores) them."""
        if self._source is None:
            raise RuntimeError("this Reply is detached from its simulator")
        raw = await self._source._wait_followups(self.interaction_id, n, timeout)
        self.followups = [MessageView.from_dict(m) for m in raw]
        return self.followups

    def to_dict(self) -> JSON:
        data = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "_source"
        }
        data["modal"] = dataclasses.asdict(self.modal) if self.modal else None
        data["message"] = self.message.raw if self.message else None
        data["original"] = self.original.raw if self.original else None
        data["followups"] = [m.raw for m in self.followups]
        return data

    @classmethod
    def from_dict(cls, data: JSON, source: ReplySource | None = None) -> Reply:
        kwargs = dict(data)
        modal = kwargs.pop("modal")
        if modal:
            modal["fields"] = [ModalField(**f) for f in modal["fields"]]
            kwargs["modal"] = Modal(**modal)
        for key in ("message", "original"):
            kwargs[key] = MessageView.from_dict(data[key]) if data.get(key) else None
        kwargs["followups"] = [MessageView.from_dict(m) for m in data.get("followups") or []]
        return cls(**kwargs, _source=source)
