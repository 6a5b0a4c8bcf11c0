"""Every modal field has a stable, readable id: a playground script (and a person typing
`modal key="value"`) can fill it. Without one discord.py draws a random hex id, which
changes each time and may start with a digit (the playground's `key=` cannot)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.playground.lexer import KEY
from bot.services.moderation import AUTHOR_FIELDS, EDITABLE_FIELDS

REPO = Path(__file__).resolve().parents[2]


def _text_inputs() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in [*REPO.joinpath("cogs").rglob("*.py"), *REPO.joinpath("bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "TextInput"
            ):
                found.append((str(path.relative_to(REPO)), node.lineno, node))
    return found


def test_every_modal_field_has_a_stable_readable_id() -> None:
    inputs = _text_inputs()
    assert len(inputs) >= 10  # the scan sees the modals
    for where, line, call in inputs:
        ids = [k.value for k in call.keywords if k.arg == "custom_id"]
        assert ids, f"{where}:{line}: TextInput without custom_id"
        value = ids[0]
        if isinstance(value, ast.Name):  # the edit modals: one field per editable field
            assert (where, value.id) in {
                ("cogs/moderation/views.py", "name"),  # a moderator's edit
                ("cogs/challenges/own.py", "name"),  # an author's edit
            }, (where, line)
            tables = (*EDITABLE_FIELDS.values(), *AUTHOR_FIELDS.values())
            names = {f for fields in tables for f in fields}
            assert all(KEY.fullmatch(f) for f in names), names
            continue
        assert isinstance(value, ast.Constant) and isinstance(value.value, str), (where, line)
        assert KEY.fullmatch(value.value), f"{where}:{line}: {value.value!r} is not a key"
