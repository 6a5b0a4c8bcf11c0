"""`nexus export`: only published entries, display names, escaping, deterministic output."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from bot.db import Database
from bot.db.models import Challenge, Pair, PairMember, PairProfile, PairRound, Takeaway
from bot.services import guilds
from bot.services.challenges import solutions
from bot.services.export.markdown import esc, quote
from bot.services.export.service import export_guild
from bot.services.takeaways import service as takeaways
from bot.settings import normalise_database_url
from bot.wiring import open_database
from tests.unit.entries_support import OTHER, G, add_concept, at, challenge, review

AUTHOR = 424_242_424_242_424_242
HELPER = 535_353_535_353_535_353


def test_escaping_neutralises_markdown() -> None:
    assert esc("# x") == "\\# x"
    assert esc("[a](http://e) <b> | *c* _d_ `e` ~f~ &amp;") == (
        "\\[a\\](http://e) \\<b\\> \\| \\*c\\* \\_d\\_ \\`e\\` \\~f\\~ \\&amp;"
    )
    assert esc("1. one") == "1\\. one" and esc("- item") == "\\- item"
    assert quote("line one\n\n    code?\n===\n") == "> line one\n>\n> code?\n> \\==="


async def _activity(db: Database) -> dict[str, int]:
    django = await add_concept(db, "Zz Django Export", category="technology")
    await add_concept(db, "Zz Hidden Concept", status="hidden")
    await add_concept(db, "Zz Their Concept", guild_id=OTHER)
    pub = await challenge(
        db,
        "# Heading [x](http://evil) <script> | *bold*",
        "It @everyone breaks\n- not a list",
        author=AUTHOR,
        name="Ada *Lovelace*",
        concepts=(str(django),),
        minutes=1,
    )
    open_ = await challenge(db, "Open question about grids", author=AUTHOR, name="Ada", minutes=2)
    hidden = await challenge(db, "HIDDEN-CHALLENGE", author=AUTHOR, minutes=3)
    await challenge(db, "OTHER-SERVER-CHALLENGE", guild_id=OTHER)
    async with db.sessions.begin() as s:
        await s.execute(update(Challenge).where(Challenge.id == hidden.id).values(status="hidden"))
    s1 = await solutions.add_solution(
        db, G, pub.id, author_id=HELPER, author_name="Grace", body="First answer", now=at(5)
    )
    s2 = await solutions.add_solution(
        db, G, pub.id, author_id=HELPER + 1, author_name="Linus", body="Accepted answer", now=at(6)
    )
    await solutions.accept_solution(
        db, G, s2.solution.id, actor_id=AUTHOR, actor_is_moderator=False, now=at(7)
    )
    await solutions.mark_helped(db, G, s1.solution.id, user_id=AUTHOR)
    t1 = await takeaways.share_takeaway(
        db, G, author_id=AUTHOR, author_name="Ada", kind="practice", body="Pin versions"
    )
    t2 = await takeaways.share_takeaway(
        db, G, author_id=HELPER, author_name="Grace", kind="practice", body="Read the logs"
    )
    await takeaways.share_takeaway(
        db, G, author_id=HELPER, author_name="Grace", kind="lesson", body="Ask early <@1>"
    )
    await takeaways.toggle_vote(db, G, t2.id, user_id=AUTHOR)
    await review(db, review_solutions=True, review_takeaways=True)
    await solutions.add_solution(
        db, G, pub.id, author_id=HELPER, author_name="Grace", body="PENDING-SOLUTION"
    )
    await takeaways.share_takeaway(
        db, G, author_id=HELPER, author_name="Grace", kind="lesson", body="PENDING-TAKEAWAY"
    )
    async with db.sessions.begin() as s:
        await s.execute(update(Takeaway).where(Takeaway.id == t1.id).values(votes=0))
        s.add_all(
            [
                PairProfile(guild_id=G, user_id=AUTHOR, display_name="Ada", track="frontend"),
                PairProfile(guild_id=G, user_id=HELPER, display_name="Grace", track="backend"),
                PairProfile(guild_id=G, user_id=HELPER + 1, display_name="L", track="backend"),
            ]
        )
        rnd = PairRound(
            guild_id=G,
            period_key="k",
            started_at=at(0),
            midpoint_at=at(60),
            ends_at=at(0) + timedelta(days=7),
            midway_sent=True,
        )
        s.add(rnd)
        await s.flush()
        pair = Pair(guild_id=G, round_id=rnd.id, outcome="met")
        s.add(pair)
        await s.flush()
        s.add_all(
            [
                PairMember(pair_id=pair.id, user_id=AUTHOR, guild_id=G, side="frontend"),
                PairMember(pair_id=pair.id, user_id=HELPER, guild_id=G, side="backend"),
            ]
        )
    return {"pub": pub.id, "open": open_.id}


async def test_export_writes_the_hub(db: Database, tmp_path: Path) -> None:
    ids = await _activity(db)
    out = tmp_path / "hub"
    files = await export_guild(db, G, out)
    assert [f.name for f in files] == [
        "index.md",
        "concepts.md",
        "challenges.md",
        "takeaways.md",
        "collaboration.md",
    ]
    text = {f.name: f.read_text(encoding="utf-8") for f in files}
    everything = "\n".join(text.values())
    index = text["index.md"]
    for name in ("concepts.md", "challenges.md", "takeaways.md", "collaboration.md"):
        assert f"]({name})" in index
    assert "2 challenges, 1 solved" in index

    ch = text["challenges.md"]
    assert f"### #{ids['pub']} · \\# Heading \\[x\\](http://evil) \\<script\\> \\| \\*bold\\*" in ch
    assert "<script>" not in everything
    assert "> It @everyone breaks\n> \\- not a list" in ch
    assert "Asked by **Ada \\*Lovelace\\***" in ch and "concepts: Zz Django Export" in ch
    assert ch.index("Accepted solution by Linus") < ch.index("Solution by Grace")
    assert "Solution by Grace · 1 member found it helpful" in ch
    assert ch.index("## Solved") < ch.index("## Open") < ch.index("Open question about grids")
    for secret in (
        "HIDDEN-CHALLENGE",
        "OTHER-SERVER-CHALLENGE",
        "PENDING-SOLUTION",
        "PENDING-TAKEAWAY",
        "Zz Hidden Concept",
        "Zz Their Concept",
    ):
        assert secret not in everything
    for raw_id in (str(AUTHOR), str(HELPER), str(HELPER + 1)):
        assert raw_id not in everything
    assert "<@" not in everything.replace("\\<@", "")

    tk = text["takeaways.md"]
    assert tk.index("Read the logs") < tk.index("Pin versions") < tk.index("## Lessons")
    assert "**1 upvote** · by Grace" in tk and "> Ask early \\<@1\\>" in tk

    assert "### Zz Django Export" in text["concepts.md"]
    col = text["collaboration.md"]
    assert "| Backend | 2 |" in col and "| Frontend | 1 |" in col
    assert "- Pairs made: 1" in col and "- Met rate: 100% (1 of 1 pair asked)" in col

    again = await export_guild(db, G, tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in files]


async def test_export_of_an_empty_server(empty_db: Database, tmp_path: Path) -> None:
    files = await export_guild(empty_db, 5, tmp_path)
    text = "\n".join(f.read_text() for f in files)
    assert "0 concepts" in text and "*None yet.*" in text and "no follow-ups yet" in text


def test_cli_export(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'nexus.db'}"

    def nexus(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    assert nexus("db", "upgrade").returncode == 0

    async def know_server_5() -> None:  # a server the bot has seen: its settings exist
        db = open_database(normalise_database_url(env["DATABASE_URL"]))
        try:
            await guilds.update_settings(db, 5, timezone="Europe/Berlin")
        finally:
            await db.dispose()

    asyncio.run(know_server_5())
    result = nexus("export", "--guild", "5", "--out", str(tmp_path / "hub"))
    assert result.returncode == 0, result.stderr
    names = [Path(line).name for line in result.stdout.split()]
    assert names == ["index.md", "concepts.md", "challenges.md", "takeaways.md", "collaboration.md"]
    assert (tmp_path / "hub" / "index.md").read_text().startswith("# Knowledge hub")
