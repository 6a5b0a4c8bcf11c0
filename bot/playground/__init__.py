"""`nexus playground`: the bot against a local Discord simulator (filled in later)."""

from __future__ import annotations

from pathlib import Path


def run_playground(database: str | None, script: Path | None, as_json: bool) -> int:
    raise NotImplementedError("the playground is not built yet")
