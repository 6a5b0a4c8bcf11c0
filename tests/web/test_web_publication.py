"""What the web hub publishes: every exclusion rule, on a real migrated database."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.db.models import ChallengeConcept
from bot.errors import Conflict, Invalid, NotFound
from bot.services import guilds, web
from tests.web.support import (
    ALICE,
    BOB,
    CAROL,
    OTHER,
    PRIVATE_CH,
    WEEK,
    G,
    add,
    challenge,
    concept,
    open_hub,
    opt_out,
    posted_digest,
    solution,
    takeaway,
)


async def _titles(db: Database, hub: web.Hub) -> set[str]:
    items, _ = await web.list_hub_challenges(db, hub)
    return {c.title for c in items}


async def test_the_hub_is_off_by_default_and_names_hidden_by_default(db: Database) -> None:
    cfg = await guilds.get_settings(db, G)
    assert (cfg.web_enabled, cfg.web_show_names, cfg.web_slug) == (False, False, None)
    await guilds.update_settings(db, G, web_slug="learners")
    with pytest.raises(NotFound):
        await web.get_hub(db, "learners")
    assert await web.list_hubs(db) == ()
    await guilds.update_settings(db, G, web_enabled=True)
    hub = await web.get_hub(db, "learners")
    assert hub.show_names is False
    with pytest.raises(NotFound):
        await web.get_hub(db, "nobody")


async def test_web_address_is_validated_and_unique(db: Database) -> None:
    await open_hub(db, G, "learners")
    with pytest.raises(Invalid):
        await guilds.update_settings(db, OTHER, web_slug="Not OK!")
    with pytest.raises(Conflict):
        await guilds.update_settings(db, OTHER, web_slug="learners")
    assert guilds.web_slug_for("Frontend Learners ✨ 2026") == "frontend-learners-2026"
    assert guilds.web_slug_for("✨") == "server"


async def test_only_published_challenges_from_public_channels(db: Database) -> None:
    await open_hub(db)
    await guilds.update_settings(db, G, private_channel_ids=[PRIVATE_CH])
    await challenge(db, "Public one")
    for status in ("pending", "hidden", "rejected", "withdrawn", "awaiting_author"):
        await challenge(db, f"Status {status}", status=status)
    await challenge(db, "From a private thread", private=True)
    await challenge(db, "From a private channel", channel_id=PRIVATE_CH)
    survivor = await challenge(db, "Survivor")
    dup = await challenge(db, "Merged duplicate", status="hidden", merged_into_id=survivor)
    hub = await web.get_hub(db, "learners")
    assert await _titles(db, hub) == {"Public one", "Survivor"}
    moved = await web.get_hub_challenge(db, hub, dup)
    assert moved == web.Moved(str(survivor))
    with pytest.raises(NotFound):
        await web.get_hub_challenge(db, hub, 987654)


async def test_members_who_opted_out_are_left_out_everywhere(db: Database) -> None:
    await open_hub(db)
    await opt_out(db, BOB)
    c = await challenge(db, "Alice asks", solved=True)
    await challenge(db, "Bob asks", author_id=BOB, author_name="Bob")
    await solution(db, c, "Bob answers", author_id=BOB, accepted=True)
    await solution(db, c, "Carol answers", author_id=CAROL, author_name="Carol")
    await takeaway(db, "Bob learned", author_id=BOB)
    await takeaway(db, "Carol learned", author_id=CAROL)
    await concept(db, "Bob Concept", author_id=BOB)
    await concept(db, "Alice Concept", author_id=ALICE)
    hub = await web.get_hub(db, "learners")
    assert await _titles(db, hub) == {"Alice asks"}
    page = await web.get_hub_challenge(db, hub, c)
    assert isinstance(page, web.WebChallenge)
    assert [s.body for s in page.solutions] == ["Carol answers"]
    assert [t.body for t in await web.top_takeaways(db, hub, limit=50)] == ["Carol learned"]
    names = {x.name for x in await web.list_hub_concepts(db, hub)}
    assert "Alice Concept" in names and "Bob Concept" not in names
    with pytest.raises(NotFound):
        await web.get_hub_concept(db, hub, "bob-concept")
    # Opting back in brings them back.
    await web.set_web_hidden(db, G, BOB, False)
    assert await _titles(db, hub) == {"Alice asks", "Bob asks"}


async def test_solutions_accepted_first_unpublished_and_private_left_out(db: Database) -> None:
    await open_hub(db)
    c = await challenge(db, "Why", solved=True)
    await solution(db, c, "helpful", helped=5, minutes=1)
    await solution(db, c, "accepted", accepted=True, minutes=2)
    await solution(db, c, "pending", status="pending")
    await solution(db, c, "hidden", status="hidden")
    await solution(db, c, "private thread", private=True)
    hub = await web.get_hub(db, "learners")
    page = await web.get_hub_challenge(db, hub, c)
    assert isinstance(page, web.WebChallenge)
    assert [s.body for s in page.solutions] == ["accepted", "helpful"]
    assert page.solutions[0].accepted


async def test_pairing_notes_and_unpublished_takeaways_left_out(db: Database) -> None:
    await open_hub(db)
    await takeaway(db, "shared", votes=3)
    await takeaway(db, "from a pair thread", source="pairing", votes=9)
    await takeaway(db, "pending", status="pending", votes=9)
    hub = await web.get_hub(db, "learners")
    assert [t.body for t in await web.top_takeaways(db, hub)] == ["shared"]


async def test_names_only_when_the_server_shows_them(db: Database) -> None:
    await open_hub(db, names=False)
    c = await challenge(db, "Anonymous")
    await solution(db, c, "answer")
    await takeaway(db, "lesson")
    hub = await web.get_hub(db, "learners")
    page = await web.get_hub_challenge(db, hub, c)
    assert isinstance(page, web.WebChallenge)
    assert page.author is None and page.solutions[0].author is None
    assert (await web.top_takeaways(db, hub))[0].author is None
    await guilds.update_settings(db, G, web_show_names=True)
    hub = await web.get_hub(db, "learners")
    page = await web.get_hub_challenge(db, hub, c)
    assert isinstance(page, web.WebChallenge)
    assert page.author == "Alice" and page.solutions[0].author == "Bob"


async def test_no_discord_ids_in_published_text(db: Database) -> None:
    await open_hub(db)
    c = await challenge(
        db,
        "Ask <@123456789012345678> in <#223456789012345678>",
        problem="See https://discord.com/channels/1/2/3 and <:blob:323456789012345678> "
        "<@&423456789012345678> id 523456789012345678",
    )
    hub = await web.get_hub(db, "learners")
    page = await web.get_hub_challenge(db, hub, c)
    assert isinstance(page, web.WebChallenge)
    text = page.title + page.problem + repr(page)
    for digits in ("123456789012345678", "223456789012345678", "323456789012345678"):
        assert digits not in text
    assert "423456789012345678" not in text and "523456789012345678" not in text
    assert "discord.com/channels" not in text
    assert str(G) not in repr(await web.hub_home(db, hub)).replace(f"guild_id={G}", "")


async def test_two_servers_never_leak_into_each_other(db: Database) -> None:
    await open_hub(db, G, "one")
    await open_hub(db, OTHER, "two")
    mine = await challenge(db, "Webpack in one", solved=True)
    theirs = await challenge(db, "Webpack in two", guild_id=OTHER, solved=True)
    await solution(db, mine, "one's answer", accepted=True)
    await solution(db, theirs, "two's answer", guild_id=OTHER, accepted=True)
    await takeaway(db, "one's lesson")
    await takeaway(db, "two's lesson", guild_id=OTHER)
    await concept(db, "One Concept")
    await concept(db, "Two Concept", guild_id=OTHER)
    await posted_digest(db, G)
    one, two = await web.get_hub(db, "one"), await web.get_hub(db, "two")
    assert await _titles(db, one) == {"Webpack in one"}
    with pytest.raises(NotFound):
        await web.get_hub_challenge(db, one, theirs)
    assert [t.body for t in await web.top_takeaways(db, one, limit=50)] == ["one's lesson"]
    one_names = {c.name for c in await web.list_hub_concepts(db, one)}
    assert "One Concept" in one_names and "Two Concept" not in one_names
    with pytest.raises(NotFound):
        await web.get_hub_concept(db, one, "two-concept")
    found = await web.search_hub(db, one, "webpack")
    assert [c.title for c in found.challenges] == ["Webpack in one"]
    assert await web.digest_periods(db, two) == ()
    week = await web.digest_week(db, one, WEEK)
    assert [c.title for c in week.solved] == ["Webpack in one"]
    paths = "\n".join(await web.hub_paths(db, one))
    assert f"/challenges/{theirs}" not in paths and "two-concept" not in paths
    home = await web.hub_home(db, two)
    assert [c.title for c in home.solved] == ["Webpack in two"]


async def test_concept_page_angles_related_and_merged_redirect(db: Database) -> None:
    await open_hub(db)
    await concept(db, "Hidden Helper", status="hidden")
    for status in ("pending", "rejected"):
        await concept(db, f"{status.title()} Idea", status=status)
    await concept(db, "Caching Layer", frontend="In the browser", backend="On the server")
    survivor = await concept(db, "Memo Table", related=["caching-layer", "hidden-helper"])
    await concept(db, "Memo Old", status="hidden", merged_into_id=survivor)
    hub = await web.get_hub(db, "learners")
    shown = await challenge(db, "Tagged and public")
    hidden = await challenge(db, "Tagged but hidden", status="hidden")
    for cid in (shown, hidden):
        await add(db, ChallengeConcept(challenge_id=cid, concept_id=survivor))
    page = await web.get_hub_concept(db, hub, "memo-table")
    assert isinstance(page, web.WebConcept)
    assert [r.slug for r in page.related] == ["caching-layer"]
    assert [c.title for c in page.challenges] == ["Tagged and public"]
    angles = await web.get_hub_concept(db, hub, "caching-layer")
    assert isinstance(angles, web.WebConcept)
    assert (angles.frontend_angle, angles.backend_angle) == ("In the browser", "On the server")
    assert await web.get_hub_concept(db, hub, "memo-old") == web.Moved("memo-table")
    for slug in ("hidden-helper", "pending-idea", "rejected-idea"):
        with pytest.raises(NotFound):
            await web.get_hub_concept(db, hub, slug)
    listed = {c.slug for c in await web.list_hub_concepts(db, hub)}
    assert not listed & {"hidden-helper", "pending-idea", "rejected-idea", "memo-old"}


async def test_search_uses_the_concept_search_typo_tolerance(db: Database) -> None:
    await open_hub(db)
    await challenge(db, "Migrations keep failing", problem="alembic upgrade fails")
    hub = await web.get_hub(db, "learners")
    found = await web.search_hub(db, hub, "idempotenc")  # seeded base concept, a typo
    assert any("idempot" in c.slug for c in found.concepts), found
    assert [c.title for c in (await web.search_hub(db, hub, "migrations")).challenges] == [
        "Migrations keep failing"
    ]
    too_long = await web.search_hub(db, hub, "x" * 500)
    assert too_long.problem and not too_long.concepts


async def test_members_who_refused_all_reuse_are_left_out_too(db: Database) -> None:
    """`/privacy reuse:False` covers every public export, the hub included."""
    from bot.services import consent

    await open_hub(db)
    await challenge(db, "Alice asks", solved=True)
    await challenge(db, "Bob asks", author_id=BOB, author_name="Bob")
    await takeaway(db, "Bob learned", author_id=BOB)
    hub = await web.get_hub(db, "learners")
    assert await _titles(db, hub) == {"Alice asks", "Bob asks"}
    await consent.set_reuse_allowed(db, G, BOB, False)
    assert await _titles(db, hub) == {"Alice asks"}
    assert [t.body for t in await web.top_takeaways(db, hub, limit=50)] == []
    await consent.set_reuse_allowed(db, G, BOB, True)
    assert await _titles(db, hub) == {"Alice asks", "Bob asks"}
