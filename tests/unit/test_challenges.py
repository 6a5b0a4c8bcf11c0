"""Challenges service: recording, captures, policy, visibility and server scoping."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.db.models import Challenge, ChallengeConcept
from bot.errors import Invalid, NotFound
from bot.services.challenges import record
from bot.services.challenges import service as svc
from bot.services.entries.types import PROBLEM_MAX, TITLE_MAX, ChallengeFilter
from bot.services.guilds import settings as guilds
from tests.unit.entries_support import (
    ALICE,
    BOB,
    OTHER,
    G,
    add_concept,
    at,
    challenge,
    review,
)


async def test_share_records_with_concepts_and_track(db: Database) -> None:
    django = await add_concept(db, "Zz Django", tracks="backend")
    orm = await add_concept(db, "Zz ORM Thing", tracks="backend")
    rec = await record.share_challenge(
        db,
        G,
        author_id=ALICE,
        author_name="Alice  A.",
        title="  Migrations   fail on deploy ",
        tried="ran migrate",
        problem="column does not exist",
        concepts=[str(django), "zz orm thing", None],
        now=at(0),
    )
    c = rec.challenge
    assert rec.created and c.title == "Migrations fail on deploy"
    assert c.status == "published" and not c.solved
    assert {t.id for t in c.concepts} == {django, orm}
    assert c.track == "backend"
    assert c.author_name == "Alice A."
    assert c.created_at == at(0)


async def test_unknown_or_other_server_concept_is_refused(db: Database) -> None:
    theirs = await add_concept(db, "Zz Private", guild_id=OTHER)
    for ref in ("no such concept at all", str(theirs)):
        with pytest.raises(Invalid):
            await challenge(db, "Title", concepts=(ref,))
    async with db.reader() as s:
        assert (await s.scalars(select(Challenge))).all() == []


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        ("", "x"),
        ("   ", "x"),
        ("ok", " \n\t "),
        ("x" * (TITLE_MAX + 1), "x"),
        ("ok", "y" * (PROBLEM_MAX + 1)),
    ],
)
async def test_bad_input_writes_nothing(db: Database, title: str, problem: str) -> None:
    with pytest.raises(Invalid):
        await challenge(db, title, problem)
    async with db.reader() as s:
        assert (await s.scalars(select(Challenge))).all() == []


async def test_mentions_in_titles_become_names_and_texts_are_kept(db: Database) -> None:
    # A title shows markup raw in Discord: it is stored with names (or placeholders);
    # the problem is shown where Discord renders mentions, so it is kept as written.
    c = await challenge(db, "@everyone help <@&123>", "ping <@42> please")
    assert c.title == "@everyone help @role"
    assert c.problem == "ping <@42> please"


async def test_capture_keeps_author_channel_and_link_and_is_idempotent(db: Database) -> None:
    content = "## CORS error on fetch!\nThe browser blocks my request to the API."
    rec = await record.capture_challenge(
        db,
        G,
        content=content,
        author_id=BOB,
        author_name="Bob",
        channel_id=55,
        message_id=77,
        now=at(1),
    )
    c = rec.challenge
    assert rec.created
    assert c.title == "CORS error on fetch!"
    assert c.problem == content
    assert (c.author_id, c.author_name, c.source_channel_id, c.source_message_id) == (
        BOB,
        "Bob",
        55,
        77,
    )
    assert c.jump_url == f"https://discord.com/channels/{G}/55/77"
    again = await record.capture_challenge(
        db, G, content=content, author_id=BOB, author_name="Bob", channel_id=55, message_id=77
    )
    assert not again.created and again.challenge.id == c.id
    async with db.reader() as s:
        assert len((await s.scalars(select(Challenge))).all()) == 1


async def test_capture_title_is_clipped_and_empty_message_refused(db: Database) -> None:
    long_line = "word " * 100
    rec = await record.capture_challenge(
        db, G, content=long_line, author_id=BOB, author_name="Bob", channel_id=1, message_id=2
    )
    assert len(rec.challenge.title) <= TITLE_MAX and rec.challenge.title.endswith("\u2026")
    with pytest.raises(Invalid, match="no text"):
        await record.capture_challenge(
            db, G, content="  ", author_id=BOB, author_name="Bob", channel_id=1, message_id=3
        )


async def test_policy_private_channel_capture_is_pending(db: Database) -> None:
    await guilds.update_settings(db, G, private_channel_ids=[99])
    rec = await record.capture_challenge(
        db,
        G,
        content="secret stuff",
        author_id=BOB,
        author_name="Bob",
        channel_id=99,
        message_id=1,
        by_moderator=True,
    )
    assert rec.challenge.status == "pending"
    await review(db, review_challenges=True)
    assert (await challenge(db, "held")).status == "pending"
    mod = await record.share_challenge(
        db, G, author_id=5, author_name="Mod", title="t", problem="p", by_moderator=True
    )
    assert mod.challenge.status == "published"


async def test_visibility_pending_only_for_author(db: Database) -> None:
    await review(db, review_challenges=True)
    pending = await challenge(db, "pending webpack question", author=ALICE)
    assert (await svc.get_challenge_page(db, G, pending.id, viewer_id=ALICE)).challenge.id
    with pytest.raises(NotFound):
        await svc.get_challenge_page(db, G, pending.id, viewer_id=BOB)
    mine = await svc.list_challenges(db, G, viewer_id=ALICE)
    assert [c.id for c in mine.items] == [pending.id]
    assert (await svc.list_challenges(db, G, viewer_id=BOB)).items == ()
    found = await svc.search_challenges(db, G, "webpack", viewer_id=BOB)
    assert found.items == ()
    assert [c.id for c in (await svc.search_challenges(db, G, "webpack", viewer_id=ALICE)).items]


async def test_hidden_never_shown_to_others(db: Database) -> None:
    c = await challenge(db, "hidden docker thing")
    async with db.sessions.begin() as s:
        row = await s.get(Challenge, c.id)
        assert row is not None
        row.status = "hidden"
    for call in (
        svc.list_challenges(db, G, viewer_id=BOB),
        svc.search_challenges(db, G, "docker", viewer_id=BOB),
    ):
        assert (await call).items == ()
    with pytest.raises(NotFound):
        await svc.get_challenge_page(db, G, c.id, viewer_id=BOB)
    assert await svc.similar_challenges(db, G, "hidden docker thing") == ()
    mine = await svc.list_challenges(db, G, viewer_id=ALICE, filter=ChallengeFilter.MINE)
    assert [x.status for x in mine.items] == ["hidden"]


async def test_other_server_id_behaves_as_unknown(db: Database) -> None:
    theirs = await challenge(db, "their redis question", guild_id=OTHER)
    with pytest.raises(NotFound):
        await svc.get_challenge_page(db, G, theirs.id, viewer_id=ALICE)
    assert (await svc.search_challenges(db, G, "redis", viewer_id=ALICE)).items == ()
    assert (await svc.list_challenges(db, G, viewer_id=ALICE)).items == ()
    assert await svc.challenge_suggestions(db, G, str(theirs.id), viewer_id=ALICE) == []
    assert await svc.similar_challenges(db, G, "redis question") == ()
    assert await svc.solution_targets(db, G, "redis", viewer_id=ALICE) == []


async def test_list_filters_concept_and_pagination(db: Database) -> None:
    react = await add_concept(db, "Zz React", tracks="frontend")
    made = [
        await challenge(db, f"challenge {i}", minutes=i, concepts=(str(react),) if i % 2 else ())
        for i in range(7)
    ]
    page0 = await svc.list_challenges(db, G, viewer_id=BOB, per_page=3)
    assert [c.id for c in page0.items] == [made[6].id, made[5].id, made[4].id]
    assert page0.has_next
    page2 = await svc.list_challenges(db, G, viewer_id=BOB, page=2, per_page=3)
    assert [c.id for c in page2.items] == [made[0].id] and not page2.has_next
    tagged = await svc.list_challenges(db, G, viewer_id=BOB, concept="zz react", per_page=10)
    assert [c.id for c in tagged.items] == [made[5].id, made[3].id, made[1].id]
    assert all(c.track == "frontend" for c in tagged.items)
    with pytest.raises(Invalid):
        await svc.list_challenges(db, G, viewer_id=BOB, concept="nope nope")
    mine = await svc.list_challenges(db, G, viewer_id=BOB, filter=ChallengeFilter.MINE)
    assert mine.items == ()


async def test_autocomplete_by_id_words_and_recent(db: Database) -> None:
    a = await challenge(db, "Flexbox centering is broken", minutes=1)
    b = await challenge(db, "JWT refresh tokens", minutes=2)
    assert [c.id for c in await svc.challenge_suggestions(db, G, "", viewer_id=BOB)] == [
        b.id,
        a.id,
    ]
    assert [c.id for c in await svc.challenge_suggestions(db, G, f"#{a.id}", viewer_id=BOB)][
        0
    ] == a.id
    assert [c.id for c in await svc.challenge_suggestions(db, G, "flexbox", viewer_id=BOB)] == [
        a.id
    ]
    assert len(await svc.challenge_suggestions(db, G, 'NEAR( "* -x', viewer_id=BOB)) <= 25


async def test_concept_links_survive(db: Database) -> None:
    cid = await add_concept(db, "Zz Thing")
    c = await challenge(db, "tagged", concepts=(str(cid),))
    async with db.reader() as s:
        rows = (await s.scalars(select(ChallengeConcept.concept_id))).all()
    assert rows == [cid] and c.concepts[0].name == "Zz Thing"


async def test_list_by_a_blank_concept_is_explained(db: Database) -> None:
    for blank in (" ", "\x00", "\u200b"):
        with pytest.raises(Invalid, match="concept"):
            await svc.list_challenges(db, G, viewer_id=ALICE, concept=blank)
