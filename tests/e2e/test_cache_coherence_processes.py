"""Two bot processes on one PostgreSQL database: a moderator's edit answered by process A
is seen by process B's `/concept lookup` and autocomplete within one second.

Both processes are the real bot (bot/bot_process.py, the harness of tests/reliability and
the bench) against one simulator, each identifying as the one shard of the same token.
The simulator hands an interaction to the most recently connected live session (as
Discord does when two sessions share a shard): B answers while alone, A once it has
connected; A is then SIGKILLed so that the next interaction is B's again. B's concept
index is warm from before the edit, and its time-to-live is minutes: only the message A's
transaction published can make B see the edit in time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.db import Database
from bot.services.guilds import settings as guilds
from bot.simulator.guild import Guild
from bot.simulator.models import Channel, Member, Role
from bot.simulator.simulator import Simulator
from tests.dbutil import backend_name
from tests.e2e.harness import TOKEN, build_world
from tests.reliability.test_crash_safety import BotProcess
from tests.unit import curation_factory as f

pytestmark = pytest.mark.skipif(
    backend_name() != "postgresql", reason="several processes share PostgreSQL only"
)


def _live_sessions(sim: Simulator) -> list[str]:
    return [s.id for s in sim.gateway.sessions.values() if s.conn is not None and not s.invalid]


async def _title(sim: Simulator, member: Member, channel: Channel, name: str) -> str | None:
    reply = await sim.command(member, "concept lookup", {"name": name}, channel=channel)
    return reply.embeds[0].get("title") if reply.embeds else None


async def test_an_edit_in_process_a_is_seen_by_process_b_within_a_second(
    db: Database, tmp_path: Path
) -> None:
    world, parts = build_world()
    g, general = parts["guild"], parts["general"]
    mod, alice, mod_role = parts["mod"], parts["alice"], parts["mod_role"]
    assert isinstance(g, Guild) and isinstance(general, Channel) and isinstance(mod_role, Role)
    assert isinstance(mod, Member) and isinstance(alice, Member)
    await guilds.update_settings(db, g.id, moderator_role_id=mod_role.id)
    kid = await f.concept(db, g.id, slug="event-loop", name="Event loop", author=alice.id)
    sim = Simulator(TOKEN, world=world, interaction_window=None, reply_timeout=5.0)
    await sim.start()
    url = db.engine.url.render_as_string(hide_password=False)
    b = BotProcess(sim, url, tmp_path / "b.log")
    a = BotProcess(sim, url, tmp_path / "a.log")
    try:
        await b.start()
        assert await _title(sim, alice, general, "Event loop") == "Event loop"  # B is warm
        (b_session,) = _live_sessions(sim)

        await a.start()
        a_session = _live_sessions(sim)[-1]
        assert a_session != b_session  # A answers from now on
        form = await sim.command(
            mod, "curate edit", {"kind": "concept", "id": kid}, channel=general
        )
        assert form.modal is not None
        done = await sim.submit_modal(mod, form, {"name": "Reactor pattern"})
        assert "Edited concept" in done.content
        edited_at = time.monotonic()

        await a.kill()
        await sim.gateway.wait_until(lambda: _live_sessions(sim) == [b_session], 5)
        assert await _title(sim, alice, general, "Reactor pattern") == "Reactor pattern"
        choices = await sim.autocomplete(
            alice, "concept lookup", {"name": "reactor pat"}, focused="name", channel=general
        )
        seen_after = time.monotonic() - edited_at
        assert choices and choices[0]["value"] == str(kid)
        assert seen_after < 1.0, seen_after
    finally:
        await a.stop()
        await b.stop()
        await sim.stop()
    for log in ("a.log", "b.log"):
        text = (tmp_path / log).read_text(errors="replace")
        assert "Traceback" not in text, text[-3000:]
