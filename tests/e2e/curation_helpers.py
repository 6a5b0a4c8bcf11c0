"""Shared steps for the curation e2e tests (real bot, simulator, real database)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.models import AuditLog
from bot.simulator.reply import Reply
from tests.e2e.harness import Nexus


async def audit_count(nexus: Nexus) -> int:
    async with nexus.db.reader() as s:
        return int(await s.scalar(select(func.count(AuditLog.id))) or 0)


async def last_audit(nexus: Nexus) -> AuditLog:
    async with nexus.db.reader() as s:
        row = await s.scalar(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
    assert row is not None
    return row


async def row(nexus: Nexus, model: Any, entry_id: int | tuple[int, ...]) -> Any:
    """The row with this primary key (a tuple for a composite key), or None."""
    async with nexus.db.reader() as s:
        return await s.get(model, entry_id)


async def queue(nexus: Nexus, member: Any = None) -> Reply:
    reply = await nexus.sim.command(member or nexus.mod, "curate queue", channel=nexus.general)
    assert reply.ephemeral
    return reply


def dms_to(nexus: Nexus, member: Any) -> list[str]:
    channel = nexus.world.dm_channel_of(member)
    if channel is None:
        return []
    return [m.content for m in nexus.world.messages_in(channel.id)]


async def mirrored(nexus: Nexus, text: str) -> str:
    """Wait for the mod-log line of an action (sent after all its other side effects)."""
    msg = await nexus.sim.wait_for_message(
        lambda m: text in m.text, channel=nexus.modlog, include_sent=True, timeout=5
    )
    return msg.text


def modlog_texts(nexus: Nexus) -> list[str]:
    out = []
    for m in nexus.world.messages_in(nexus.modlog.id):
        out.append("\n".join([m.content, *[e.get("description") or "" for e in m.embeds]]))
    return out
