"""Core statements run with the sqlite3 API on a connection's thread.

Inside `sqlite_driver.run_on_thread` a unit of work can run several statements in one
hand-off, but there it has only the sqlite3 connection: no SQLAlchemy to bind parameters
or to turn stored values back into Python ones (an aware datetime, a bool). A
`ThreadStatement` is a Core statement compiled once for SQLite, with the type processors
SQLAlchemy itself would apply to its parameters and to the columns it selects, so the
rows read on the thread are the values a session would have returned. The SQL comes
from the same tables and rules as the portable path's; only the execution differs.

Expanding parameters (`IN` over a list) are not supported: run the statement per value
(on the thread, a statement costs microseconds).
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

_DIALECT = sqlite.dialect(paramstyle="named")
Processor = Callable[[Any], Any]


class ThreadStatement:
    def __init__(self, stmt: ClauseElement, name: str = "Row") -> None:
        compiled = cast(SQLCompiler, stmt.compile(dialect=_DIALECT))
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("expanding parameters cannot run on the thread: one per value")
        self.sql = compiled.string
        # Values SQLAlchemy bound itself (constants such as a status); given ones override.
        self._constants = {k: v for k, v in compiled.params.items() if v is not None}
        # Columns whose Python-side default (INSERT) or onupdate (UPDATE) SQLAlchemy would
        # compute before executing (e.g. updated_at): computed here per call, when not given.
        self._defaults: dict[str, Any] = {}
        for col in compiled.insert_prefetch:
            self._defaults[col.key] = col.default
        for col in compiled.update_prefetch:
            self._defaults[col.key] = col.onupdate
        self._binds: dict[str, Processor] = {}
        for key, bind in compiled.binds.items():
            proc = bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            if proc is not None:
                self._binds[key] = proc
        columns = list(getattr(stmt, "selected_columns", ()))
        self._row: Callable[..., Any] | None = None
        self._out: tuple[Processor | None, ...] = ()
        if columns:
            self._row = namedtuple(name, [c.key for c in columns])  # type: ignore[misc]  # noqa: PYI024
            self._out = tuple(
                c.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None) for c in columns
            )

    def params(self, given: Mapping[str, Any]) -> dict[str, Any]:
        out = {**self._constants, **given}
        for key, default in self._defaults.items():
            if key not in given:
                out[key] = default.arg(None) if default.is_callable else default.arg
        for key, proc in self._binds.items():
            if key in out and out[key] is not None:
                out[key] = proc(out[key])
        return out

    def all(self, conn: sqlite3.Connection, **given: Any) -> list[Any]:
        """Typed rows (namedtuples) for a SELECT; raw tuples for anything else."""
        raw = conn.execute(self.sql, self.params(given)).fetchall()
        if self._row is None:
            return raw
        make, out = self._row, self._out
        return [make(*(f(x) if f else x for f, x in zip(out, r, strict=True))) for r in raw]

    def many(self, conn: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        conn.executemany(self.sql, [self.params(r) for r in rows])
