"""The weekly digest end to end: the real bot, its scheduler jobs and the simulator."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db.models import DigestPost, Pair, PairRound
from bot.db.types import utcnow
from bot.services import moderation
from bot.services.digest import state as digest_state
from bot.services.digest.period import latest_due
from bot.services.guilds import settings as guilds
from cogs.digest.cog import DigestCog
from tests.e2e.harness import Nexus
from tests.unit.test_digest_support import (
    add,
    backdate,
    challenge,
    concept,
    lookup,
    missed,
    pairs,
    solution,
    takeaway,
)


def _cog(nexus: Nexus) -> DigestCog:
    # Not isinstance: discord.py re-imports the extension module for every bot.
    cog = nexus.client.get_cog("DigestCog")
    assert cog is not None and type(cog).__name__ == "DigestCog"
    return cog  # type: ignore[return-value]


async def _schedule_in(nexus: Nexus, days: int) -> datetime:
    """Digest weekday/hour so that the next fire is `days` (+ <1 h) from now; returns it."""
    now = utcnow()
    target = (now + timedelta(days=days, hours=1)).replace(minute=0, second=0, microsecond=0)
    await nexus.client.apply_settings(
        nexus.guild.id, {"digest_weekday": target.weekday(), "digest_hour": target.hour}
    )
    return target


async def _rows(nexus: Nexus) -> int:
    async with nexus.db.reader() as s:
        return int(await s.scalar(select(func.count()).select_from(DigestPost)) or 0)


JUMP = "https://discord.com/channels/1/2/"


async def _week_of_activity(nexus: Nexus, at: datetime) -> dict[str, int]:
    g = nexus.guild.id
    t1, _ = await add(
        nexus.db,
        takeaway(g, at, "Use EXPLAIN before adding an index", votes=4, author="Alice"),
        takeaway(g, at, "@everyone read the docs first", votes=1, author="Bob"),
    )
    await add(nexus.db, takeaway(g, at, "Pending: should not show", status="pending"))
    solved = challenge(g, at, "CORS error on fetch", solved=True, solved_at=at)
    solved.jump_url = JUMP + "10"
    c_solved, c_open = await add(
        nexus.db, solved, challenge(g, at, "Centre a div in a grid", track="frontend")
    )
    accepted = solution(
        g, c_solved.id, at, "Send the Allow-Origin header", author="Carol", accepted_at=at
    )
    accepted.jump_url = JUMP + "11"
    (s_acc,) = await add(nexus.db, accepted)
    (k,) = await add(nexus.db, concept(g, at, "Idempotency key"))
    await add(nexus.db, lookup(g, k.id, at), lookup(g, k.id, at), missed(g, "webhooks", at))
    await pairs(nexus.db, g, at, ["met", None])
    await add(
        nexus.db, takeaway(g, at, "Pairing taught me git bisect", source="pairing", author="Dave")
    )
    ids = {"takeaway": t1.id, "solved": c_solved.id, "open": c_open.id, "solution": s_acc.id}
    return ids | {"concept": k.id}


async def test_week_of_activity_posted_by_digest_now(nexus: Nexus) -> None:
    await _schedule_in(nexus, 3)
    nexus.clock.set(utcnow())
    ids = await _week_of_activity(nexus, utcnow() - timedelta(hours=1))

    preview = await nexus.sim.command(nexus.alice, "digest preview", channel=nexus.general)
    shown = await preview.wait_followups(1)
    assert all(m.ephemeral for m in shown)
    assert "Use EXPLAIN before adding an index" in shown[0].text
    assert nexus.sim.messages_in(nexus.digest) == [] and await _rows(nexus) == 0

    refused = await nexus.sim.command(nexus.mallory, "digest now", channel=nexus.general)
    assert refused.ephemeral and "moderators" in refused.content.lower()
    assert nexus.sim.messages_in(nexus.digest) == [] and await _rows(nexus) == 0

    done = await nexus.sim.command(nexus.mod, "digest now", channel=nexus.general)
    (answer,) = await done.wait_followups(1)
    assert answer.ephemeral and "Posted" in answer.content
    posted = nexus.sim.messages_in(nexus.digest)
    assert posted
    text = "\n".join(m.text for m in posted)
    for expected in (
        "Use EXPLAIN before adding an index",
        "CORS error on fetch",
        "Send the Allow-Origin header",
        "Centre a div in a grid",
        "Frontend",
        "Idempotency key",
        "webhooks",
        "1 of 2 pair(s) met (50%)",
        f"#{ids['takeaway']} Use EXPLAIN before adding an index — Alice (▲ 4)",
        f"#{ids['solved']} [CORS error on fetch]({JUMP}10)",
        f"[solution #{ids['solution']}]({JUMP}11)",
        f"#{ids['open']} **Centre a div in a grid**",
        f"#{ids['concept']} Idempotency key",
        "Pairing taught me git bisect",
        "Carol",
        "@everyone read the docs first",
    ):
        assert expected in text, expected
    assert "Pending: should not show" not in text
    assert not any(m.pings for m in posted)

    assert "The scheduled digest" in answer.content and "only what comes after" in answer.content

    again = await nexus.sim.command(nexus.mod, "digest now", channel=nexus.general)
    (second,) = await again.wait_followups(1)
    assert second.ephemeral and "Nothing new since the last digest" in second.content
    assert len(nexus.sim.messages_in(nexus.digest)) == len(posted)

    # Later that week: the scheduled digest shows what came after the manual one, only.
    cog = _cog(nexus)
    fire = latest_due(nexus.clock() + timedelta(days=4), *(await _when(nexus)))
    await add(
        nexus.db,
        takeaway(nexus.guild.id, fire.end - timedelta(days=1), "Pin your dependencies"),
    )
    nexus.clock.set(fire.end)
    result = await cog.jobs.fire(nexus.guild.id)
    assert result is not None and result.outcome == "posted"
    later = nexus.sim.messages_in(nexus.digest)[len(posted) :]
    text = "\n".join(m.text for m in later)
    assert "Pin your dependencies" in text and "since the last digest" in text
    assert "Use EXPLAIN before adding an index" not in text and "CORS error on fetch" not in text
    assert (await cog.jobs.fire(nexus.guild.id)).outcome == "taken"  # type: ignore[union-attr]


async def _when(nexus: Nexus) -> tuple[int, int, ZoneInfo]:
    cfg = await guilds.get_settings(nexus.db, nexus.guild.id)
    return cfg.digest_weekday, cfg.digest_hour, cfg.zone


async def test_5xx_after_create_posts_exactly_one_message(nexus: Nexus) -> None:
    fire = await _schedule_in(nexus, 2)
    await _week_of_activity(nexus, fire - timedelta(days=1))
    nexus.clock.set(fire)
    nexus.sim.faults.add("POST", rf"/channels/{nexus.digest.id}/messages", 500, after_effect=True)
    result = await _cog(nexus).jobs.fire(nexus.guild.id)
    assert result is not None and result.outcome == "posted"
    assert len(nexus.sim.messages_in(nexus.digest)) == 1
    assert nexus.sim.nonce_hits >= 1  # discord.py's retry was deduplicated by the nonce


async def test_restart_across_digest_time_posts_once(nexus: Nexus) -> None:
    fire = await _schedule_in(nexus, 2)
    await _week_of_activity(nexus, fire - timedelta(days=1))
    await backdate(nexus.db, nexus.guild.id, fire - timedelta(days=20))
    nexus.clock.set(fire - timedelta(hours=1))
    await nexus.stop_bot()  # down at digest time
    nexus.clock.set(fire + timedelta(hours=3))
    await nexus.start_bot()
    await _cog(nexus).jobs.idle()
    assert len(nexus.sim.messages_in(nexus.digest)) == 1
    await nexus.restart()
    await _cog(nexus).jobs.idle()
    assert len(nexus.sim.messages_in(nexus.digest)) == 1
    post = await digest_state.get_post(nexus.db, nexus.guild.id, fire.date().isoformat())
    assert post is not None and post.status == "posted" and post.trigger == "catchup"


async def test_restart_outside_grace_skips_missed_week(nexus: Nexus) -> None:
    fire = await _schedule_in(nexus, 2)
    await _week_of_activity(nexus, fire - timedelta(days=1))
    await backdate(nexus.db, nexus.guild.id, fire - timedelta(days=20))
    nexus.clock.set(fire + timedelta(hours=nexus.settings.digest_grace_hours + 1))
    await nexus.restart()
    await _cog(nexus).jobs.idle()
    assert nexus.sim.messages_in(nexus.digest) == [] and await _rows(nexus) == 0


async def test_deleted_channel_tells_mods_once_then_disables(nexus: Nexus) -> None:
    fire = await _schedule_in(nexus, 2)
    other_channel = nexus.other.create_text_channel("other-digest")
    await nexus.client.apply_settings(
        nexus.other.id,
        {
            "digest_channel_id": other_channel.id,
            "digest_weekday": fire.weekday(),
            "digest_hour": fire.hour,
        },
    )
    await _week_of_activity(nexus, fire - timedelta(days=1))
    nexus.guild.delete_channel(nexus.digest)
    jobs = _cog(nexus).jobs
    outcomes = []
    for week in range(3):
        nexus.clock.set(fire + timedelta(days=7 * week))
        result = await jobs.fire(nexus.guild.id)
        assert result is not None
        outcomes.append(result.outcome)
        other = await jobs.fire(nexus.other.id)
        assert other is not None and other.outcome in ("posted", "quiet")
    assert outcomes == ["failed", "failed", "disabled"]
    notices = nexus.sim.messages_in(nexus.modlog)
    assert len(notices) == 1 and "digest" in notices[0].content
    assert not notices[0].pings
    assert len(nexus.sim.messages_in(other_channel)) == 3
    cfg = await guilds.get_settings(nexus.db, nexus.guild.id)
    assert not cfg.digest_enabled and cfg.digest_disabled_reason
    assert nexus.client.scheduler.aps.get_job(f"digest:{nexus.guild.id}") is not None
    shown = await nexus.sim.command(nexus.admin, "setup", channel=nexus.general)
    assert "Disabled:" in shown.text


async def test_digest_settings_moves_the_job(nexus: Nexus) -> None:
    refused = await nexus.sim.command(
        nexus.mallory, "digest settings", {"hour": 3}, channel=nexus.general
    )
    assert (
        refused.ephemeral
        and (await guilds.get_settings(nexus.db, nexus.guild.id)).digest_hour == 17
    )
    reply = await nexus.sim.command(
        nexus.mod,
        "digest settings",
        {"hour": 6, "weekday": 4, "quiet_week_note": False},
        channel=nexus.general,
    )
    assert reply.ephemeral and "saved" in reply.content and "Friday" in reply.content
    assert "Next digest: Fri" in reply.content and "06:00" in reply.content
    job = nexus.client.scheduler.aps.get_job(f"digest:{nexus.guild.id}")
    assert job is not None
    nxt = job.trigger.get_next_fire_time(None, utcnow())
    assert (nxt.weekday(), nxt.hour) == (4, 6)
    off = await nexus.sim.command(
        nexus.mod, "digest settings", {"enabled": False}, channel=nexus.general
    )
    assert "off" in off.content and "Next digest" not in off.content
    assert nexus.client.scheduler.aps.get_job(f"digest:{nexus.guild.id}") is None


async def test_preview_separates_new_from_updated_and_says_nothing_of_undue_check_ins(
    nexus: Nexus,
) -> None:
    g = nexus.guild.id
    await _schedule_in(nexus, 3)
    now = utcnow()
    nexus.clock.set(now)
    old = now - timedelta(days=40)
    edited, featured = await add(
        nexus.db, concept(g, old, "Connection pooling"), concept(g, old, "Backpressure")
    )
    (fresh,) = await add(nexus.db, concept(g, now - timedelta(hours=2), "Outbox pattern"))
    actor = moderation.Actor(nexus.mod.id, "Moe Moderator")
    await moderation.edit(nexus.db, g, actor, "concept", edited.id, {"summary": "Reuse them"})
    shown = await nexus.sim.command(
        nexus.mod, "curate feature", {"kind": "concept", "id": featured.id}, channel=nexus.general
    )
    assert "Featured" in shown.text
    (rnd,) = await add(
        nexus.db,
        PairRound(
            guild_id=g,
            period_key="r-e2e",
            started_at=now - timedelta(hours=1),
            midpoint_at=now + timedelta(days=4),
            ends_at=now + timedelta(days=10),
        ),
    )
    await add(nexus.db, Pair(guild_id=g, round_id=rnd.id, created_at=now - timedelta(hours=1)))

    nexus.clock.set(utcnow())  # after the edit and the feature
    preview = await nexus.sim.command(nexus.mod, "digest preview", channel=nexus.general)
    embeds = [e for m in await preview.wait_followups(1) for e in m.embeds]
    sections = {e.get("title", ""): e.get("description", "") for e in embeds}
    new = next(d for t, d in sections.items() if t.startswith("🆕 New concepts"))
    updated = next(d for t, d in sections.items() if t.startswith("✏️ Updated concepts"))
    starred = next(d for t, d in sections.items() if t.startswith("⭐ Featured"))
    assert f"#{fresh.id} Outbox pattern" in new
    assert "Connection pooling" not in new and "Backpressure" not in new
    assert f"#{edited.id} Connection pooling: Reuse them (updated by Moe Moderator)" in updated
    assert "Backpressure" in starred and "Backpressure" not in updated
    pairing = next(d for t, d in sections.items() if t.startswith("🤝 Pairing"))
    assert "1 pair(s) formed." in pairing and "met" not in pairing
