"""Concept rendering stays within Discord's limits whatever the content."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.concepts.types import (
    ConceptBrief,
    ConceptDetail,
    ConceptLink,
    ConceptPage,
    LookupOutcome,
    RelatedRef,
    Suggestion,
)
from bot.ui.render import embed_size
from cogs.concepts import render
from cogs.concepts.views import concept_view, suggestions_view

NOW = datetime(2026, 1, 2, tzinfo=UTC)


def detail(**kw: object) -> ConceptDetail:
    values: dict[str, object] = dict(
        id=7,
        guild_id=0,
        slug="x",
        name="X",
        aliases=("ex",),
        category="tool",
        tracks="both",
        summary="Short.",
        body="Body.",
        links=(),
        related=(),
        related_names=(),
        status="published",
        overrides_id=None,
        author_id=None,
        author_name=None,
        verified_by_name=None,
        verified_at=None,
        created_at=NOW,
        updated_at=NOW,
    )
    values.update(kw)
    return ConceptDetail(**values)  # type: ignore[arg-type]


def test_huge_entry_fits_and_keeps_fences_balanced() -> None:
    body = ("text " * 300 + "\n```python\n" + "x = 1\n" * 2000 + "```\n") * 3
    d = detail(
        name="N" * 300,
        summary="S" * 200,
        body=body,
        aliases=tuple("a" * 50 for _ in range(10)),
        links=tuple(ConceptLink("T" * 200, f"https://e.example/{i}") for i in range(12)),
        related=tuple(RelatedRef(i, "R" * 100) for i in range(1, 15)),
        verified_by_name="V" * 100,
        verified_at=NOW,
    )
    embed = render.concept_embed(d)
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert (embed.description or "").count("```") % 2 == 0
    assert embed_size(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value or "") <= 1024 for f in embed.fields)
    footer = embed.footer.text or ""
    assert "Last verified by" in footer and "2026-01-02" in footer
    view = concept_view(d)
    assert len(view.children) <= 25
    for item in view.children:
        label = getattr(item, "label", None) or ""
        custom_id = getattr(item, "custom_id", None) or ""
        assert len(label) <= 80 and len(custom_id) <= 100
    ids = [getattr(i, "custom_id", None) for i in view.children if getattr(i, "custom_id", None)]
    assert "nexus:flag:concept:7" in ids and "nexus:concept:open:1" in ids


def test_footer_variants() -> None:
    assert render.footer_text(detail()) == "Nexus knowledge base"
    assert render.footer_text(detail(guild_id=5, author_name="alice")) == "Added by alice"


def test_did_you_mean_and_pages() -> None:
    outcome = LookupOutcome(
        "`weird` @everyone " * 30, None, (Suggestion(1, "Kubernetes"), Suggestion(2, "Docker"))
    )
    text = render.did_you_mean(outcome)
    assert len(text) <= 2000 and "**Kubernetes**" in text
    view = suggestions_view(outcome)
    assert view is not None and len(view.children) == 2
    assert suggestions_view(LookupOutcome("q", None, ())) is None
    brief = ConceptBrief(1, 0, "s", "Name " * 40, "Sum " * 60, "tool", "both", "published")
    page = ConceptPage((brief,) * 25, 3, 25, 1000)
    embed = render.results_embed(page, render.search_title("q" * 300), "none")
    assert embed_size(embed) <= 6000 and "Page 4/40" in (embed.footer.text or "")
    empty = render.results_embed(ConceptPage((), 0, 5, 0), "T", "Nothing matches.")
    assert empty.description == "Nothing matches."
