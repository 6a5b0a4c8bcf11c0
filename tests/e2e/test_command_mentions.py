"""Every command a message mentions exists: `/word`, `/word sub` and `opt:` are checked
against the command tree the real bot registered with the simulated Discord.

What is scanned: every string literal in bot/ and cogs/ (messages, embeds, footers,
errors, modal and option texts, command descriptions, help text; f-strings piece by
piece), except bot/simulator/ (the fake Discord, which never speaks for the bot). A
mention is `/name` not preceded by a word character, `/`, `:`, `.`, `<` or `>` (so URLs,
API paths and `<t:...>` markup are not mentions), then optionally ` sub` (one space) and
` option:` words. A group named alone ("the /curate commands", "/takeaway!") is a real
thing ("the /curate commands" too); a group followed by any other word that is not one of
its subcommands is a wrong mention.
Text assembled from variables at run time (e.g. f"/{name}") cannot be checked here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.harness import Nexus

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "cogs")
# The web hub: its strings are URL paths of web pages (/s/<server>/concepts), not commands.
SKIPPED = ("bot/simulator", "bot/web", "bot/services/web")
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
# The playground's help shows the shape of a line with placeholders, not commands.
PLACEHOLDERS = frozenset(
    {
        ("bot/playground/parser.py", "cmd"),
        ("bot/playground/parser.py", "command"),
        ("bot/playground/resolve.py", "path"),
    }
)
GROUP_WORDS = frozenset({"commands", "command"})  # "the /pair commands" names the group
_MENTION = re.compile(r"(?<![\w/:.<>])/([a-z][a-z0-9_-]*)")
_WORD = re.compile(r" ([a-z][a-z0-9_-]*)(:?)")


@dataclass(frozen=True)
class Mention:
    where: str
    text: str
    words: tuple[str, ...]  # the command, then what follows it: "sub" or "option:"


def mentions_in(text: str, where: str) -> list[Mention]:
    out = []
    for m in _MENTION.finditer(text):
        words = [m.group(1)]
        end = m.end()
        while len(words) < 6:
            nxt = _WORD.match(text, end)
            if nxt is None:
                break
            # "opt:value" is an option; "/digest now: posts ..." is only punctuation.
            option = nxt.group(2) and not text[nxt.end() : nxt.end() + 1].isspace()
            words.append(nxt.group(1) + (":" if option else ""))
            end = nxt.end()
        out.append(Mention(where, text[max(0, m.start() - 30) : end + 10], tuple(words)))
    return out


def scan_sources() -> list[Mention]:
    found: list[Mention] = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(SKIPPED):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found += [
                        m
                        for m in mentions_in(node.value, f"{rel}:{node.lineno}")
                        if (rel, m.words[0]) not in PLACEHOLDERS
                    ]
    return found


def _options(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in command.get("options") or []}


def problem(mention: Mention, tree: dict[str, dict[str, Any]]) -> str | None:
    """Why `mention` names no registered command (or option), or None when it does."""
    name, *rest = mention.words
    node = tree.get(name)
    if node is None:
        return f"/{name} is not a registered command"
    path = f"/{name}"
    while True:
        subs = {
            n: o for n, o in _options(node).items() if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
        }
        if not subs:
            break
        if not rest or rest[0] in GROUP_WORDS or rest[0].endswith(":"):
            ok = not rest or rest[0] in GROUP_WORDS
            return None if ok else f"{path} needs a subcommand before {rest[0]}"
        word = rest.pop(0)
        if word not in subs:
            return f"{path} has no subcommand {word!r} (it has {', '.join(sorted(subs))})"
        node, path = subs[word], f"{path} {word}"
    for word in rest:
        if not word.endswith(":"):
            break  # ordinary words after a complete command ("/setup role", "/pair round again")
        if word[:-1] not in _options(node):
            return f"{path} has no option {word[:-1]!r}"
    return None


def test_the_scanner_is_not_blind() -> None:
    tree = {
        "digest": {
            "options": [
                {"name": "now", "type": 1},
                {"name": "settings", "type": 1, "options": [{"name": "hour", "type": 4}]},
            ]
        },
        "setup": {"options": [{"name": "timezone", "type": 3}]},
    }
    cases = {
        "feature entries with /mod tools": "not a registered command",
        "run /digest nope": "no subcommand 'nope'",
        "use /digest settings minute:5": "no option 'minute'",
        "use /setup zone:Europe/Paris": "no option 'zone'",
        "use /digest settings hour:9 or /digest now.": None,
        "see https://example.com/mod and <t:1:R> or a/b": None,
        "the /digest commands": None,
        "hide /digest from members": "no subcommand 'from'",
        "the moderator role set in /setup) can": None,
        "/digest now: post it": None,
    }
    for text, expected in cases.items():
        found = [problem(m, tree) for m in mentions_in(text, "case")]
        if expected is None:
            assert found == [None] * len(found), (text, found)
        else:
            assert any(p and expected in p for p in found), (text, found)
    scanned = scan_sources()
    assert len(scanned) >= 40, len(scanned)
    assert any(m.words[:2] == ("digest", "settings") for m in scanned)
    assert any(m.where.startswith("cogs/digest/render.py") for m in scanned)


async def test_every_mentioned_command_is_registered(nexus: Nexus) -> None:
    registered = [c for c in nexus.world.commands_for(nexus.guild.id) if int(c.get("type", 1)) == 1]
    tree = {c["name"]: c for c in registered}
    assert {"digest", "curate", "setup", "concept"} <= set(tree)
    wrong = [
        f"{m.where}: {why} — …{m.text}…"
        for m in scan_sources()
        if (why := problem(m, tree)) is not None
    ]
    assert not wrong, "\n".join(wrong)
