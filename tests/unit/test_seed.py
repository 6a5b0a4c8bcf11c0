"""Seed content: every file valid, idempotent loading, changes, removals, overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import Database
from bot.db.models import BASE_GUILD_ID, Concept
from bot.services.concepts import seed
from bot.services.concepts import service as concepts
from bot.services.concepts.edits import parse_draft, propose_edit
from bot.services.concepts.seed import (
    SeedError,
    concepts_dir,
    load_seed_concepts,
    parse_concept_file,
)

GUILD = 111


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "concepts"
    shutil.copytree(concepts_dir(), dest)
    return dest


def test_every_seed_file_is_valid() -> None:
    entries = load_seed_concepts()
    assert len(entries) >= 45
    names = {e.name.casefold() for e in entries}
    for e in entries:
        assert e.category in seed.CATEGORIES, e.slug
        assert e.tracks in seed.TRACKS, e.slug
        assert 0 < len(e.summary) <= 200, e.slug
        assert e.body.count("```") % 2 == 0, e.slug
        assert all(r.casefold() in names for r in e.related), e.slug
        assert all(url.startswith("http") for _, url in e.links), e.slug
    assert len({e.slug for e in entries}) == len(entries)


def test_data_dir_from_environment(monkeypatch: pytest.MonkeyPatch, data_copy: Path) -> None:
    monkeypatch.setenv("NEXUS_DATA_DIR", str(data_copy.parent))
    assert concepts_dir() == data_copy
    monkeypatch.setenv("NEXUS_DATA_DIR", str(data_copy))
    assert concepts_dir() == data_copy


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("no front matter", "front matter"),
        ("---\nname: X\n", "not closed"),
        ("---\nname: [unclosed\n---\nbody", "invalid YAML"),
        ("---\nname: X\ncategory: nope\ntracks: both\nsummary: s\n---\nbody", "category"),
        ("---\nname: X\ncategory: tool\ntracks: mobile\nsummary: s\n---\nbody", "tracks"),
        (
            "---\nname: X\ncategory: tool\ntracks: both\nsummary: " + "s" * 201 + "\n---\nb",
            "summary",
        ),
        ("---\ncategory: tool\ntracks: both\nsummary: s\n---\nbody", "name"),
        ("---\nname: X\ncategory: tool\ntracks: both\nsummary: s\n---\n```py\nx", "fence"),
    ],
)
def test_bad_files_name_the_file(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "broken-entry.md"
    path.write_text(text)
    with pytest.raises(SeedError) as info:
        parse_concept_file(path)
    assert "broken-entry.md" in str(info.value)
    assert needle in str(info.value)


def test_unknown_related_name_is_reported(data_copy: Path) -> None:
    path = data_copy / "caching.md"
    path.write_text(path.read_text().replace("related: [Redis", "related: [Nonexistent Thing"))
    with pytest.raises(SeedError, match=r"caching\.md.*Nonexistent Thing"):
        load_seed_concepts(data_copy)


async def _base(db: Database, slug: str) -> Concept:
    async with db.reader() as s:
        row = await s.scalar(
            select(Concept).where(Concept.guild_id == BASE_GUILD_ID, Concept.slug == slug)
        )
        assert row is not None
        return row


async def test_db_fixture_is_seeded_and_reseeding_writes_nothing(db: Database) -> None:
    async with db.reader() as s:
        count = await s.scalar(select(func.count()).where(Concept.guild_id == BASE_GUILD_ID))
    assert count == len(load_seed_concepts())
    assert await seed.seed_if_needed(db) == 0
    assert await seed.seed_if_needed(db) == 0


async def test_changed_file_updates_only_that_row(db: Database, data_copy: Path) -> None:
    before = await _base(db, "caching")
    other = await _base(db, "redis")
    path = data_copy / "caching.md"
    path.write_text(path.read_text().replace("cache-aside]", "cache-aside, kept results]"))
    assert await seed.seed_if_needed(db, data_copy) == 1
    after = await _base(db, "caching")
    assert after.id == before.id
    assert "kept results" in after.aliases
    assert "kept results" in after.search_text
    assert after.source_hash != before.source_hash
    assert (await _base(db, "redis")).updated_at == other.updated_at
    assert await seed.seed_if_needed(db, data_copy) == 0
    outcome = await concepts.lookup(db, GUILD, 1, "kept results")
    assert outcome.concept is not None and outcome.concept.name == "Caching"


def _remove_memcached(folder: Path) -> str:
    text = (folder / "memcached.md").read_text()
    (folder / "memcached.md").unlink()
    # related names must still resolve for the loader's cross-check
    for path in folder.glob("*.md"):
        path.write_text(path.read_text().replace(", Memcached]", "]").replace("Memcached, ", ""))
    return text


async def test_removed_file_hides_and_returning_file_restores(
    db: Database, data_copy: Path
) -> None:
    text = _remove_memcached(data_copy)
    await seed.seed_if_needed(db, data_copy)
    assert (await _base(db, "memcached")).status == "hidden"
    assert (await concepts.lookup(db, GUILD, 1, "Memcached")).concept is None
    (data_copy / "memcached.md").write_text(text)
    await seed.seed_if_needed(db, data_copy)
    assert (await _base(db, "memcached")).status == "published"


async def test_server_override_survives_reseeding(db: Database, data_copy: Path) -> None:
    base = await _base(db, "caching")
    draft = parse_draft("Caching", "Our server's take on caching.", "Cache all the things.")
    result = await propose_edit(db, GUILD, base.id, 9, "mod", draft, by_moderator=True)
    assert result.concept_id != base.id
    path = data_copy / "caching.md"
    path.write_text(path.read_text().replace("Keeping a copy", "Keeping one copy"))
    assert await seed.seed_if_needed(db, data_copy) == 1
    assert (await _base(db, "caching")).summary.startswith("Keeping one copy")
    mine = await concepts.lookup(db, GUILD, 1, "caching")
    assert mine.concept is not None and mine.concept.id == result.concept_id
    assert mine.concept.summary == "Our server's take on caching."
    elsewhere = await concepts.lookup(db, GUILD + 1, 1, "caching")
    assert elsewhere.concept is not None and elsewhere.concept.id == base.id
    assert elsewhere.concept.summary.startswith("Keeping one copy")


ANGLES = "frontend: |\n  The browser side.\nbackend: |\n  The server side.\n"


def _concept_file(tmp_path: Path, tracks: str, extra: str = "") -> Path:
    path = tmp_path / "x.md"
    path.write_text(
        f"---\nname: X\ncategory: tool\ntracks: {tracks}\nsummary: s\n{extra}---\nbody\n",
        encoding="utf-8",
    )
    return path


def test_both_track_angles_are_read(tmp_path: Path) -> None:
    seed = parse_concept_file(_concept_file(tmp_path, "both", ANGLES))
    assert seed.frontend_angle == "The browser side."
    assert seed.backend_angle == "The server side."


@pytest.mark.parametrize(
    ("tracks", "extra", "needle"),
    [
        ("both", "", "needs `frontend` and `backend` angles"),
        ("both", "frontend: only one side\n", "needs `frontend` and `backend` angles"),
        ("frontend", ANGLES, "for `tracks: both` only"),
        ("both", "frontend: |\n  ```js\n  x\n  ```\nbackend: b\n", "code fences"),
        ("both", f"frontend: {'x' * 1001}\nbackend: b\n", "max 1000"),
    ],
)
def test_bad_angles_name_the_file(tmp_path: Path, tracks: str, extra: str, needle: str) -> None:
    with pytest.raises(SeedError) as info:
        parse_concept_file(_concept_file(tmp_path, tracks, extra))
    assert "x.md" in str(info.value) and needle in str(info.value)
