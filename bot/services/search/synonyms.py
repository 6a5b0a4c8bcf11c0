"""The abbreviation and synonym table (data/synonyms.yaml): what learners type, and the
words the knowledge base uses for it.

Keys are lower case (a word or a short phrase); values one or more alternatives. The file
is read once per path and process (a pure function of the file: nothing is mutated).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import yaml

from bot.settings import REPO_ROOT

DATA_DIR_ENV = "NEXUS_DATA_DIR"
Table = Mapping[str, tuple[str, ...]]
ENTRY_MAX = 60


class SynonymError(Exception):
    """data/synonyms.yaml is malformed; the message names the entry."""


def synonyms_path() -> Path:
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    for candidate in ([Path(env) / "synonyms.yaml"] if env else []) + [
        REPO_ROOT / "data" / "synonyms.yaml",
        Path.cwd() / "data" / "synonyms.yaml",
    ]:
        if candidate.is_file():
            return candidate
    return REPO_ROOT / "data" / "synonyms.yaml"


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())


@functools.lru_cache(maxsize=4)
def load_synonyms(path: Path | None = None) -> Table:
    """term -> alternatives (read-only). A missing file is an empty table."""
    path = path or synonyms_path()
    if not path.is_file():
        return MappingProxyType({})
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SynonymError(f"{path.name}: expected `term: alternative` lines")
    table: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        term = _norm(key)
        alts = tuple(dict.fromkeys(_norm(v) for v in values if _norm(v)))
        if not term or not alts or len(term) > ENTRY_MAX or any(len(a) > ENTRY_MAX for a in alts):
            raise SynonymError(f"{path.name}: bad entry {str(key)[:40]!r}")
        table[term] = tuple(a for a in alts if a != term)
    return MappingProxyType(table)


def alternatives(
    phrase: str, table: Mapping[str, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """What `phrase` (as a whole) may also mean, per the table."""
    table = load_synonyms() if table is None else table
    return table.get(_norm(phrase), ())


def expand(tokens: list[str], table: Table | None = None) -> list[str]:
    """The tokens plus the words of their alternatives (two-word terms too), in order."""
    table = load_synonyms() if table is None else table
    out = list(tokens)
    pairs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    for term in pairs + tokens:
        for alt in table.get(term, ()):
            for word in alt.replace("-", " ").replace("/", " ").split():
                if word not in out:
                    out.append(word)
    return out
