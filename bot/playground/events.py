"""What the playground shows: one Event per thing the bot shows a member (plus errors/info).

`Event.to_json()` is the `--json` line format:
    {"line", "input", "actor", "kind", "ephemeral", "channel", "content", "embeds",
     "components", "buttons", "selects", "message_id", "edited", "modal", "choices"}
kind: reply | followup | modal | autocomplete | channel_message | error | info
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.simulator.reply import SELECT_TYPES, Modal, walk_components

JSON = dict[str, Any]

REPLY, FOLLOWUP, MODAL, AUTOCOMPLETE = "reply", "followup", "modal", "autocomplete"
CHANNEL_MESSAGE, ERROR, INFO = "channel_message", "error", "info"


@dataclass
class Event:
    kind: str
    actor: str | None = None
    channel: str | None = None
    ephemeral: bool = False
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    message_id: int | None = None
    edited: bool = False
    modal: JSON | None = None
    choices: list[JSON] | None = None
    line: int | None = None
    input: str | None = None

    @property
    def buttons(self) -> list[JSON]:
        """Buttons in click order (`click N` counts them across every row)."""
        found = [c for c in walk_components(self.components) if c.get("type") == 2]
        return [
            {
                "index": i,
                "label": b.get("label") or (b.get("emoji") or {}).get("name") or "",
                "custom_id": b.get("custom_id"),
                "style": int(b.get("style", 1)),
                "disabled": bool(b.get("disabled", False)),
                "url": b.get("url"),
            }
            for i, b in enumerate(found, start=1)
        ]

    @property
    def selects(self) -> list[JSON]:
        found = [c for c in walk_components(self.components) if c.get("type") in SELECT_TYPES]
        return [
            {
                "index": i,
                "custom_id": s.get("custom_id"),
                "type": int(s["type"]),
                "placeholder": s.get("placeholder"),
                "min_values": int(s.get("min_values", 1)),
                "max_values": int(s.get("max_values", 1)),
                "disabled": bool(s.get("disabled")),
                "options": [
                    {
                        "label": o.get("label"),
                        "value": o.get("value"),
                        "description": o.get("description"),
                    }
                    for o in s.get("options") or []
                ],
            }
            for i, s in enumerate(found, start=1)
        ]

    def to_json(self) -> JSON:
        return {
            "line": self.line,
            "input": self.input,
            "actor": self.actor,
            "kind": self.kind,
            "ephemeral": self.ephemeral,
            "channel": self.channel,
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "buttons": self.buttons,
            "selects": self.selects,
            "message_id": str(self.message_id) if self.message_id is not None else None,
            "edited": self.edited,
            "modal": self.modal,
            "choices": self.choices,
        }


def modal_json(modal: Modal) -> JSON:
    return {
        "custom_id": modal.custom_id,
        "title": modal.title,
        "fields": [
            {
                "custom_id": f.custom_id,
                "label": f.label,
                "type": f.type,
                "style": "paragraph" if f.style == 2 else "short",
                "required": f.required,
                "min_length": f.min_length,
                "max_length": f.max_length,
                "value": f.value,
                "placeholder": f.placeholder,
            }
            for f in modal.fields
        ],
    }


@dataclass
class Outcome:
    """The result of one line: its events, whether it failed, whether to stop."""

    events: list[Event] = field(default_factory=list)
    failed: bool = False
    quit: bool = False
