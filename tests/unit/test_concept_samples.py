"""The seed concepts (data/concepts/*.md) hold together: every fenced code sample parses with a
real parser for its fence language, no two entries share a name or alias, every `related` name
resolves, and every `tracks: both` entry has its `frontend` and `backend` angles (issue #21).

The files are read straight from this checkout, not through the loader, so these checks do not
depend on what the loader keeps or drops.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlglot import exp

from tests.unit.concept_samples_support import (
    CONCEPT_FILES,
    CONCEPTS_DIR,
    SQL_DEFAULT_DIALECT,
    SQL_DIALECT_BY_FILE,
    SQL_UNPARSED_PREFIXES,
    _sqlglot_parse,
    check_sql_statement,
    sample_problems,
    split_front_matter,
)


def test_there_are_concept_files() -> None:
    assert len(CONCEPT_FILES) >= 45, CONCEPTS_DIR


@pytest.mark.parametrize("path", CONCEPT_FILES, ids=lambda p: p.name)
def test_code_samples_parse(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    problems = sample_problems(text, SQL_DIALECT_BY_FILE.get(path.name, SQL_DEFAULT_DIALECT))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def _entries() -> tuple[dict[str, dict[str, Any]], list[str]]:
    entries, unreadable = {}, []
    for path in CONCEPT_FILES:
        try:
            entries[path.name] = split_front_matter(path.read_text(encoding="utf-8"))[0]
        except (ValueError, yaml.YAMLError) as error:
            unreadable.append(f"{path.name}: {' '.join(str(error).split())}")
    return entries, unreadable


def _key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def test_names_and_aliases_are_unique() -> None:
    entries, problems = _entries()
    names: dict[str, list[str]] = {}
    aliases: dict[str, list[str]] = {}
    for file, meta in entries.items():
        names.setdefault(_key(meta.get("name") or ""), []).append(file)
        for alias in dict.fromkeys(_key(a) for a in meta.get("aliases") or []):
            aliases.setdefault(alias, []).append(file)
    for name, files in names.items():
        if len(files) > 1:
            problems.append(f"name {name!r} is used by {', '.join(files)}")
    for alias, files in aliases.items():
        if len(files) > 1:
            problems.append(f"alias {alias!r} is in {', '.join(files)}")
        clash = [f for f in names.get(alias, []) if f not in files]
        if clash:
            problems.append(
                f"alias {alias!r} of {', '.join(files)} is the name of {', '.join(clash)}"
            )
    assert not problems, "\n".join(problems)


def test_related_names_resolve() -> None:
    entries, problems = _entries()
    names = {_key(meta.get("name") or "") for meta in entries.values()}
    for file, meta in entries.items():
        missing = [r for r in meta.get("related") or [] if _key(r) not in names]
        if missing:
            problems.append(f"{file}: `related` names no entry: {missing}")
    assert not problems, "\n".join(problems)


ANGLE_MIN, ANGLE_MAX = 150, 700


def test_both_track_entries_have_frontend_and_backend_angles() -> None:
    entries, problems = _entries()
    for file, meta in entries.items():
        both = meta.get("tracks") == "both"
        for side in ("frontend", "backend"):
            value = meta.get(side)
            if not both:
                if value is not None:
                    problems.append(f"{file}: `{side}` is only for `tracks: both` entries")
            elif not isinstance(value, str) or not value.strip():
                problems.append(f"{file}: `tracks: both` needs a `{side}` angle")
            elif not ANGLE_MIN <= len(value.strip()) <= ANGLE_MAX:
                problems.append(
                    f"{file}: `{side}` is {len(value.strip())} characters ({ANGLE_MIN}-{ANGLE_MAX})"
                )
            elif "```" in value:
                problems.append(f"{file}: `{side}` may not contain a code fence")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("prefix", sorted(SQL_UNPARSED_PREFIXES))
def test_sql_allow_list_is_still_needed(prefix: str) -> None:
    """Each allow-listed prefix must still be one sqlglot falls back on; drop it when it is not."""
    statements = _sqlglot_parse(SQL_UNPARSED_PREFIXES[prefix], SQL_DEFAULT_DIALECT)
    assert len(statements) == 1 and isinstance(statements[0], exp.Command), (
        f"sqlglot now parses {prefix!r}: remove it from SQL_UNPARSED_PREFIXES"
    )
    check_sql_statement(statements[0], SQL_DEFAULT_DIALECT)


def _doc(block: str) -> str:
    return f"---\nname: X\n---\nSome text.\n\n{block}\n\nPitfall: none.\n"


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        ("```\nx = 1\n```", "no language tag"),
        ("```cobol\nDISPLAY 'HI'.\n```", "unknown fence language 'cobol'"),
        ("```py\nx = 1\n```", "unknown fence language 'py'"),
        ("```python\ndef f(:\n    pass\n```", "line 1"),
        ("```python\nx = 1", "never closed"),
        ("```js\nconst total = ;\n```", "syntax error"),
        ("```js\nconsole.log((1 + 2);\n```", "missing ')' at line 1"),
        ("```js\nconst el = <p>hi</p>;\n```", "tag the block ```jsx"),
        ("```ts\nconst el = <p>hi</p>;\n```", "line 1"),
        ("```tsx\nconst n: number = ;\n```", "line 1"),
        ("```css\n.a { color: red;\n```", "missing"),
        ("```json\n{'a': 1}\n```", "double quotes"),
        ("```yaml\nkey: [1, 2\n```", "expected"),
        ("```graphql\ntype Book { id: }\n```", "Expected Name"),
        ("```sql\nSELEC id FROM t;\n```", "Invalid expression"),
        ("```sql\nVACCUM blog_post;\n```", "not a SQL statement"),
        ("```sql\nEXPLAIN ANALYZE SELEC 1;\n```", "EXPLAIN"),
        ("```sql\nEXPLAIN VACCUM t;\n```", "not a SQL statement"),
        ("```sql\nLOCK TABLE t;\n```", "SQL_UNPARSED_PREFIXES"),
        ("~~~toml\nname = \n~~~", "Invalid value"),
    ],
)
def test_bad_samples_are_reported(block: str, needle: str) -> None:
    problems = sample_problems(_doc(block))
    assert len(problems) == 1 and needle in problems[0], problems


@pytest.mark.parametrize(
    "block",
    [
        "```jsx\nexport default function Hi() {\n  return <p>hi</p>;\n}\n```",
        "```tsx\nconst Hi = ({ n }: { n: number }) => <p>{n}</p>;\n```",
        "```sql\nEXPLAIN (ANALYZE, BUFFERS) SELECT * FROM t WHERE id = 1;\n-- Seq Scan on t\n```",
        "```sql\nEXPLAIN VERBOSE UPDATE t SET a = 1;\nSHOW work_mem;\n```",
        "```yaml\na: 1\n---\nb: 2\n```",
        "  ```python\n  if True:\n      pass\n  ```",
        "````text\n```\n````",
        '```bash\nfor f in *; do echo "$f"\n```',
    ],
)
def test_good_samples_pass(block: str) -> None:
    assert sample_problems(_doc(block)) == []
