"""The checkers behind test_concept_samples.py: where the seed concept files are, how their
front matter and fenced code blocks are read, and the real parser each fence language is
checked with (Python, JavaScript/TypeScript/JSX, CSS, HTML, JSON, YAML, TOML, GraphQL, SQL).
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql
import sqlglot
import tree_sitter
import tree_sitter_css
import tree_sitter_html
import tree_sitter_javascript
import tree_sitter_typescript
import yaml
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

CONCEPTS_DIR = Path(__file__).resolve().parents[2] / "data" / "concepts"
CONCEPT_FILES = sorted(CONCEPTS_DIR.glob("*.md"))

# Fence languages that are deliberately not parsed (no parser worth depending on, or not a single
# grammar: shell dialects, HTTP transcripts, config formats, plain text). Any language that is
# neither here nor in PARSERS fails the test, so a new one is a decision, not an accident.
UNPARSED_LANGUAGES = frozenset(
    {"bash", "sh", "shell", "text", "http", "dockerfile", "nginx", "ini", "env"}
)

# SQL is PostgreSQL (the programme's database) except in entries about another database.
SQL_DEFAULT_DIALECT = "postgres"
SQL_DIALECT_BY_FILE = {"mysql.md": "mysql"}

# Valid statements that sqlglot cannot parse. For these it does not raise: it logs a warning and
# returns an opaque exp.Command holding the raw text, which proves nothing. So a Command passes
# only in two documented cases (and test_sql_allow_list_is_still_needed drops an entry as soon as
# sqlglot learns to parse it):
# - EXPLAIN: the options are stripped and the explained statement itself must parse;
SQL_EXPLAIN_OPTIONS = re.compile(
    r"^\s*(?:\((?:[^()]|\([^()]*\))*\)|(?:(?:ANALYZE|ANALYSE|VERBOSE)\b\s*)*)", re.IGNORECASE
)
# - these statement prefixes are accepted unparsed (each with a statement that needs the entry).
SQL_UNPARSED_PREFIXES = {
    "SHOW": "SHOW work_mem",
    "VACUUM": "VACUUM (VERBOSE, ANALYZE) blog_post",
    "REINDEX": "REINDEX TABLE blog_post",
    "CREATE EXTENSION": "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE ROLE": "CREATE ROLE app_user LOGIN",
    "CREATE USER": "CREATE USER app_user WITH PASSWORD 'change-me'",
    "REFRESH MATERIALIZED VIEW": "REFRESH MATERIALIZED VIEW daily_sales",
}
# sqlglot also accepts a bare expression as a "statement" (`VACCUM t` parses as the column VACCUM
# aliased t); SQL has no expression statements, so these are typos, not SQL.
SQL_BARE_EXPRESSIONS = (exp.Condition, exp.Alias, exp.Star, exp.Identifier)

# JSX in a ```js block is a mistake: the guide asks for ```jsx (one grammar accepts both).
JSX_NODES = frozenset({"jsx_element", "jsx_self_closing_element"})


@dataclass(frozen=True)
class Block:
    index: int  # 1-based, in the order of the file
    line: int  # 1-based line of the opening fence in the file
    language: str  # lower-cased first word of the info string; "" when untagged
    code: str


class SampleError(Exception):
    """A code block does not parse; the message says where and why."""


# --------------------------------------------------------------------------- reading the files


def split_front_matter(text: str) -> tuple[dict[str, Any], int]:
    """The front matter mapping and the 0-based index of the line after its closing `---`."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("does not start with a '---' front matter line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise ValueError("front matter is not closed with '---'")
    meta = yaml.safe_load("\n".join(lines[1:end]))
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping")
    return meta, end + 1


FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def extract_blocks(text: str, first_line: int = 0) -> list[Block]:
    """Fenced code blocks (CommonMark style: ``` or ~~~, up to 3 spaces of indent) from line
    `first_line` on. An unclosed fence raises SampleError."""
    lines = text.lstrip("\ufeff").splitlines()
    blocks: list[Block] = []
    i = first_line
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["info"]):
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        info = m["info"].strip().split()
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
        if end is None:
            raise SampleError(f"block {len(blocks) + 1} (line {i + 1}): the fence is never closed")
        body = [ln[min(indent, len(ln) - len(ln.lstrip(" "))) :] for ln in lines[i + 1 : end]]
        blocks.append(
            Block(len(blocks) + 1, i + 1, info[0].lower() if info else "", "\n".join(body) + "\n")
        )
        i = end + 1
    return blocks


# --------------------------------------------------------------------------- the parsers


def _tree_sitter(language: object, forbid_jsx: bool = False) -> Callable[[str], None]:
    parser = tree_sitter.Parser(tree_sitter.Language(language))

    def check(code: str) -> None:
        root = parser.parse(code.encode("utf-8")).root_node
        if root.has_error:
            bad = _first_node(root, lambda n: n.is_error or n.is_missing)
            if bad is None:
                raise SampleError("syntax error")
            what = f"missing {bad.type!r}" if bad.is_missing else "syntax error"
            raise SampleError(
                f"{what} at line {bad.start_point[0] + 1}, column {bad.start_point[1] + 1}"
            )
        if forbid_jsx:
            jsx = _first_node(root, lambda n: n.type in JSX_NODES)
            if jsx is not None:
                raise SampleError(f"JSX at line {jsx.start_point[0] + 1}: tag the block ```jsx")

    return check


def _first_node(node: Any, wanted: Callable[[Any], bool]) -> Any:
    if wanted(node):
        return node
    for child in node.children:
        found = _first_node(child, wanted)
        if found is not None:
            return found
    return None


def check_python(code: str) -> None:
    try:
        ast.parse(code)
    except SyntaxError as error:
        raise SampleError(f"{error.msg} at line {error.lineno}") from None


def check_json(code: str) -> None:
    try:
        json.loads(code)
    except json.JSONDecodeError as error:
        raise SampleError(str(error)) from None


def check_yaml(code: str) -> None:
    try:
        list(yaml.safe_load_all(code))  # a stream may hold several `---` documents
    except yaml.YAMLError as error:
        raise SampleError(" ".join(str(error).split())) from None


def check_toml(code: str) -> None:
    try:
        tomllib.loads(code)
    except tomllib.TOMLDecodeError as error:
        raise SampleError(str(error)) from None


def check_graphql(code: str) -> None:
    try:
        graphql.parse(code)  # syntax only: schema definitions and operations may share a sample
    except graphql.GraphQLError as error:
        raise SampleError(error.message + f" at {error.locations}") from None


def _sqlglot_parse(sql: str, dialect: str) -> list[Any]:
    try:
        statements = sqlglot.parse(sql, dialect=dialect, error_level=ErrorLevel.RAISE)
    except SqlglotError as error:
        raise SampleError(str(error).splitlines()[0]) from None
    return [s for s in statements if s is not None]  # None: an empty statement (comments, `;`)


def _command_text(command: exp.Command) -> tuple[str, str]:
    rest = command.expression
    rest = rest.this if isinstance(rest, exp.Literal) else str(rest or "")
    return str(command.this), rest


def check_sql_statement(statement: exp.Expression, dialect: str) -> None:
    if isinstance(statement, SQL_BARE_EXPRESSIONS):
        raise SampleError(f"not a SQL statement: {statement.sql(dialect=dialect)[:60]!r}")
    if not isinstance(statement, exp.Command):
        return
    keyword, rest = _command_text(statement)
    text = " ".join(f"{keyword} {rest}".split())
    if keyword.upper() == "EXPLAIN":
        try:
            explained = _sqlglot_parse(SQL_EXPLAIN_OPTIONS.sub("", rest, count=1), dialect)
        except SampleError as error:
            raise SampleError(f"in the statement after EXPLAIN: {error}") from None
        if len(explained) != 1 or isinstance(explained[0], exp.Command):
            raise SampleError(f"EXPLAIN of something sqlglot cannot parse: {text[:60]!r}")
        check_sql_statement(explained[0], dialect)
        return
    if not any(re.match(rf"{prefix}\b", text, re.IGNORECASE) for prefix in SQL_UNPARSED_PREFIXES):
        raise SampleError(
            f"sqlglot ({dialect}) cannot parse {text[:60]!r}; fix it, or if it is "
            "valid SQL add its prefix to SQL_UNPARSED_PREFIXES"
        )


def sql_checker(dialect: str) -> Callable[[str], None]:
    def check(code: str) -> None:
        for statement in _sqlglot_parse(code, dialect):
            check_sql_statement(statement, dialect)

    return check


_javascript = _tree_sitter(tree_sitter_javascript.language(), forbid_jsx=True)
_typescript = _tree_sitter(tree_sitter_typescript.language_typescript())
PARSERS: dict[str, Callable[[str], None]] = {
    "python": check_python,
    "javascript": _javascript,
    "js": _javascript,
    "jsx": _tree_sitter(tree_sitter_javascript.language()),
    "ts": _typescript,
    "typescript": _typescript,
    "tsx": _tree_sitter(tree_sitter_typescript.language_tsx()),
    "css": _tree_sitter(tree_sitter_css.language()),
    "html": _tree_sitter(tree_sitter_html.language()),
    "json": check_json,
    "yaml": check_yaml,
    "toml": check_toml,
    "graphql": check_graphql,
}
assert not UNPARSED_LANGUAGES & PARSERS.keys()


def check_block(block: Block, sql_dialect: str = SQL_DEFAULT_DIALECT) -> None:
    """Raise SampleError when the block has no language, an unknown one, or does not parse."""
    if not block.language:
        raise SampleError("no language tag after the opening fence")
    if block.language == "sql":
        sql_checker(sql_dialect)(block.code)
    elif block.language in PARSERS:
        PARSERS[block.language](block.code)
    elif block.language not in UNPARSED_LANGUAGES:
        known = ", ".join(sorted({"sql", *PARSERS, *UNPARSED_LANGUAGES}))
        raise SampleError(f"unknown fence language {block.language!r} (known: {known})")


def sample_problems(text: str, sql_dialect: str = SQL_DEFAULT_DIALECT) -> list[str]:
    """Every problem with the code samples of one file's text, one message per block."""
    try:
        _, body_start = split_front_matter(text)
    except (ValueError, yaml.YAMLError) as error:
        return [f"front matter: {' '.join(str(error).split())}"]
    try:
        blocks = extract_blocks(text, body_start)
    except SampleError as error:
        return [str(error)]
    problems = []
    for block in blocks:
        try:
            check_block(block, sql_dialect)
        except SampleError as error:
            problems.append(
                f"block {block.index} (```{block.language}, line {block.line}): {error}"
            )
    return problems
