"""The hub's addresses: one place, for the pages, the sitemap and Discord's buttons."""

from __future__ import annotations

from urllib.parse import quote


def _part(text: str) -> str:
    return quote(str(text), safe="")


def hub_path(hub_slug: str, *parts: str | int) -> str:
    """`/s/<hub>/` and below; every part is percent-encoded."""
    tail = "/".join(_part(str(p)) for p in parts)
    return f"/s/{_part(hub_slug)}/{tail}"


def concept_path(hub_slug: str, concept_slug: str) -> str:
    return hub_path(hub_slug, "concepts", concept_slug)


def challenge_path(hub_slug: str, challenge_id: int) -> str:
    return hub_path(hub_slug, "challenges", int(challenge_id))


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path
