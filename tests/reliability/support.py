"""Helpers shared by the reliability tests: database snapshots, forged interactions,
the registered command tree, and the invariants every reply must keep."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text

from bot.db import Database
from bot.db.base import Base
from bot.simulator.interactions import APPLICATION_COMMAND, COMPONENT
from bot.simulator.models import Member
from bot.simulator.payloads import Invocation, command_data
from bot.simulator.reply import MessageView, Reply
from tests.e2e.harness import Nexus

ERROR_REPLY = "something went wrong"
# Tables whose rows change on reads or on the bot's own bookkeeping: not "content".
VOLATILE = frozenset({"bot_state", "concept_lookups", "missed_lookups"})


def tables() -> list[Any]:
    return [t for t in Base.metadata.sorted_tables]


async def row_counts(db: Database, *, skip: frozenset[str] = VOLATILE) -> dict[str, int]:
    out: dict[str, int] = {}
    async with db.reader() as s:
        for table in tables():
            if table.name in skip:
                continue
            out[table.name] = int(await s.scalar(select(func.count()).select_from(table)) or 0)
    return out


async def snapshot(db: Database, *, skip: frozenset[str] = VOLATILE) -> dict[str, list[Any]]:
    """Every row of every table (all columns), in primary-key order."""
    out: dict[str, list[Any]] = {}
    async with db.reader() as s:
        for table in tables():
            if table.name in skip:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = (await s.execute(select(table).order_by(*order))).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        k: (before.get(k), after.get(k))
        for k in set(before) | set(after)
        if before.get(k) != after.get(k)
    }


def all_text(reply: Reply) -> str:
    parts = [reply.text]
    parts += [m.text for m in reply.followups]
    if reply.original is not None:
        parts.append(reply.original.text)
    return "\n".join(p for p in parts if p)


def assert_no_crash(reply: Reply, what: str = "") -> None:
    assert ERROR_REPLY not in all_text(reply), (what, all_text(reply))
    assert not reply.violations, (what, reply.violations)


def assert_no_pings(messages: list[MessageView]) -> None:
    pinged = [m.id for m in messages if m.pings]
    assert not pinged, f"bot messages pinged someone: {pinged}"


async def answer_text(reply: Reply) -> str:
    """The member-visible answer: after a defer, the first followup."""
    if reply.deferred and not reply.followups and reply.original is None:
        await reply.wait_followups(1)
    if reply.followups:
        return reply.followups[0].text
    return reply.text


# ---- forged interactions (what a modified client could send) ---------------------------------


async def press(nexus: Nexus, member: Member, message: Any, custom_id: str) -> Reply:
    """Click a button with any custom_id on an existing message (buttons carry no ACL)."""
    sim = nexus.sim
    msg = sim._message(message)
    button = {"type": 2, "style": 2, "label": "forged", "custom_id": custom_id}
    # The interaction carries the message as the client saw it: a forged client can put
    # any button there. The stored message is left untouched.
    forged = dataclasses.replace(msg, components=[{"type": 1, "components": [button]}])
    inv = Invocation(sim.world, member, msg.channel_id, dm=False)
    data = {"custom_id": custom_id, "component_type": 2}
    record = sim.start_interaction(inv, COMPONENT, data, f"press {custom_id}", message=forged)
    return await sim.finish(record)


async def dm_command(
    nexus: Nexus, member: Member, name: str, options: dict[str, Any] | None = None
) -> Reply:
    """A guild-only command sent from a DM anyway (Discord hides it; a forged client won't)."""
    sim = nexus.sim
    in_guild = Invocation(sim.world, member, nexus.general, dm=False)
    data, full = command_data(in_guild, name, options or {})
    data.pop("guild_id", None)
    in_dm = Invocation(sim.world, member, None, dm=True)
    record = sim.start_interaction(in_dm, APPLICATION_COMMAND, data, f"DM {full}")
    return await sim.finish(record)


# ---- the registered command tree --------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    path: str  # "curate hide"
    options: tuple[dict[str, Any], ...]
    definition: dict[str, Any]  # the top-level command


def registered(nexus: Nexus) -> list[dict[str, Any]]:
    return list(nexus.world.commands_for(nexus.guild.id))


def slash_leaves(nexus: Nexus) -> Iterator[Leaf]:
    """Every invocable slash command path with its options, as registered with Discord."""
    for cmd in registered(nexus):
        if int(cmd.get("type", 1)) != 1:
            continue
        yield from _walk(cmd, cmd["name"], cmd.get("options") or [])


def _walk(top: dict[str, Any], path: str, options: list[dict[str, Any]]) -> Iterator[Leaf]:
    subs = [o for o in options if o.get("type") in (1, 2)]
    if not subs:
        yield Leaf(path, tuple(options), top)
        return
    for sub in subs:
        yield from _walk(top, f"{path} {sub['name']}", sub.get("options") or [])


def context_menus(nexus: Nexus) -> list[str]:
    return sorted(c["name"] for c in registered(nexus) if int(c.get("type", 1)) in (2, 3))


async def integrity_ok(db: Database) -> bool:
    if not db.is_sqlite:
        return True
    async with db.reader() as s:
        return (await s.scalar(text("PRAGMA integrity_check"))) == "ok"
