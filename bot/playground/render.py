"""Show events: readable boxes in a terminal (rich), or one JSON object per line (--json)."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from bot.playground.events import (
    AUTOCOMPLETE,
    CHANNEL_MESSAGE,
    ERROR,
    FOLLOWUP,
    INFO,
    MODAL,
    Event,
)
from bot.playground.resolve import Names

JSON = dict[str, Any]
BUTTON_STYLES = MappingProxyType(
    {1: "bold blue", 2: "bold", 3: "bold green", 4: "bold red", 5: "underline"}
)


class Renderer:
    def __init__(self, out: IO[str], *, as_json: bool, names: Names | None = None) -> None:
        self.out = out
        self.as_json = as_json
        self.names = names
        self.console = Console(file=out, highlight=False, soft_wrap=False)

    def show(self, events: list[Event]) -> None:
        for event in events:
            if self.as_json:
                self.out.write(json.dumps(event.to_json(), ensure_ascii=False) + "\n")
            else:  # plain info text is never re-wrapped; boxes fit the terminal
                self.console.print(self.renderable(event), soft_wrap=event.kind == INFO)
        self.out.flush()

    def echo(self, prompt: str, raw: str) -> None:
        """A script line as if typed at the prompt (terminal mode only)."""
        if not self.as_json:
            self.console.print(Text(prompt + raw.rstrip("\n"), style="bold cyan"), soft_wrap=True)

    def note(self, text: str) -> None:
        if not self.as_json:
            self.console.print(Text(text, style="dim"))

    # ---- rich --------------------------------------------------------------------------
    def _text(self, raw: str) -> str:
        return self.names.readable(raw) if self.names is not None else raw

    def renderable(self, event: Event) -> RenderableType:
        if event.kind == ERROR:
            return Text(f"error: {event.content}", style="bold red")
        if event.kind == INFO:
            return Text(event.content, style="dim")
        if event.kind == MODAL:
            return self._modal(event)
        if event.kind == AUTOCOMPLETE:
            return self._choices(event)
        return self._message(event)

    def _header(self, event: Event) -> Text:
        head = Text("Nexus", style="bold magenta")
        if event.kind == CHANNEL_MESSAGE:
            where = event.channel or "?"
            dm = where.startswith("dm:")
            head.append(f" → {where[3:]} (direct message)" if dm else f" in #{where}")
        else:
            head.append(f" → {event.actor}" if event.actor else "")
        if event.kind == FOLLOWUP:
            head.append(" (followup)", style="dim")
        if event.edited:
            head.append(" (edited message)", style="dim")
        if event.ephemeral:
            head.append("  (only you can see this)", style="italic yellow")
        return head

    def _message(self, event: Event) -> RenderableType:
        parts: list[RenderableType] = [self._header(event)]
        if event.content:
            parts.append(Text(self._text(event.content)))
        for embed in event.embeds:
            parts.append(self._embed(embed))
        buttons = event.buttons
        if buttons:
            row = Text()
            for b in buttons:
                style = "dim" if b["disabled"] else BUTTON_STYLES.get(b["style"], "bold")
                label = self._text(b["label"] or b["custom_id"] or "?")
                suffix = " ↗" if b["url"] else ""
                # no-break spaces: a long row wraps between buttons, not inside a label
                text = f"[{b['index']}] {label}{suffix}".replace(" ", "\u00a0")
                row.append(text, style=style)
                row.append("  ")
            parts.append(row)
        for menu in event.selects:
            parts.append(self._select(menu))
        return Group(*parts)

    def _embed(self, embed: JSON) -> Panel:
        body: list[RenderableType] = []
        author = (embed.get("author") or {}).get("name")
        if author:
            body.append(Text(self._text(author), style="dim"))
        if embed.get("description"):
            body.append(Text(self._text(str(embed["description"]))))
        for fld in embed.get("fields") or []:
            body.append(Text(self._text(str(fld.get("name", ""))), style="bold"))
            body.append(Text("  " + self._text(str(fld.get("value", ""))).replace("\n", "\n  ")))
        footer = (embed.get("footer") or {}).get("text")
        if footer:
            body.append(Text(self._text(str(footer)), style="dim italic"))
        title = embed.get("title")
        color = embed.get("color")
        border = f"#{int(color):06x}" if isinstance(color, int) and color else "magenta"
        return Panel(
            Group(*body) if body else Text(""),
            title=Text(self._text(str(title)), style="bold") if title else None,
            title_align="left",
            border_style=border,
            expand=False,
        )

    def _select(self, menu: JSON) -> Text:
        out = Text(f"select menu {menu['index']}", style="bold")
        if menu.get("placeholder"):
            out.append(f" ({menu['placeholder']})", style="dim")
        if menu.get("max_values", 1) > 1:
            out.append(f" pick {menu['min_values']}..{menu['max_values']}", style="dim")
        if menu.get("disabled"):
            out.append(" [disabled]", style="dim")
        if not menu["options"]:
            out.append(" - pick by name: `select @bob`", style="dim")
        for i, opt in enumerate(menu["options"], start=1):
            out.append(f"\n  {i}) {self._text(str(opt['label']))}")
            out.append(f"  = {opt['value']}", style="dim")
            if opt.get("description"):
                out.append(f"  - {self._text(str(opt['description']))}", style="dim")
        return out

    def _modal(self, event: Event) -> Panel:
        modal = event.modal or {}
        lines = Text()
        for fld in modal.get("fields", []):
            need = "required" if fld.get("required") else "optional"
            limit = f", max {fld['max_length']}" if fld.get("max_length") else ""
            lines.append(f"{fld['custom_id']}", style="bold")
            lines.append(f"  {fld.get('label') or ''} ({fld['style']}, {need}{limit})")
            if fld.get("value"):
                lines.append(f"  = {fld['value']!r}", style="dim")
            lines.append("\n")
        fields = sorted(modal.get("fields", []), key=lambda f: not f.get("required"))
        example = " ".join(f'{f["custom_id"]}="..."' for f in fields[:2])
        lines.append(f"fill it: modal {example}", style="dim")
        return Panel(
            lines,
            title=Text(f"Modal: {modal.get('title', '')}", style="bold"),
            subtitle="only you can see this",
            title_align="left",
            border_style="yellow",
            expand=False,
        )

    def _choices(self, event: Event) -> Text:
        choices = event.choices or []
        out = Text("autocomplete choices", style="bold")
        if not choices:
            out.append(": (none)", style="dim")
        for i, choice in enumerate(choices, start=1):
            out.append(f"\n  {i}. {choice.get('name')}")
            if str(choice.get("value")) != str(choice.get("name")):
                out.append(f"  = {choice.get('value')}", style="dim")
        return out
