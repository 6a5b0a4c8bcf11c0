"""Curated pair projects: enough of them, both sides, concepts that exist in the base."""

from __future__ import annotations

import re
from pathlib import Path

from bot.services.pairing.projects import PROJECTS, pick_project

CONCEPTS_DIR = Path(__file__).resolve().parents[2] / "data" / "concepts"


def concept_names() -> set[str]:
    names = set()
    for path in CONCEPTS_DIR.glob("*.md"):
        m = re.search(r"^name:\s*(.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        if m:
            names.add(m.group(1).strip())
    return names


def test_projects_are_curated_and_link_existing_concepts() -> None:
    assert len(PROJECTS) >= 8
    assert len({p.key for p in PROJECTS}) == len(PROJECTS)
    known = concept_names()
    for p in PROJECTS:
        assert p.frontend and p.backend and p.keywords
        assert p.concepts and set(p.concepts) <= known, (p.key, set(p.concepts) - known)


def test_pick_project_follows_interests_and_rotates_ties() -> None:
    assert pick_project({"graphql", "apollo"}, "x").key == "graphql-catalog"
    assert pick_project({"docker", "ci"}, "y").key == "deploy-dashboard"
    picks = {pick_project(set(), f"salt{i}").key for i in range(40)}
    assert len(picks) > 3
