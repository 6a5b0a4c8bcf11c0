"""Reliability suite fixtures: the real bot through the simulator, plus strict invariants.

Quick mode (default, part of every `pytest` run): few examples, derandomized Hypothesis,
few kills. Soak mode: `NEXUS_SOAK=1 .venv/bin/pytest tests/reliability`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, settings

from bot.db import Database
from tests.e2e.harness import Nexus, start_nexus, stop_nexus

SOAK = os.environ.get("NEXUS_SOAK", "").strip() not in ("", "0")


def scale(quick: int, soak: int) -> int:
    """A size for quick runs and for soak runs (NEXUS_FUZZ_EXAMPLES overrides fuzz sizes)."""
    return soak if SOAK else quick


def fuzz_settings(quick: int = 15, soak: int = 200) -> settings:
    """Hypothesis settings: derandomized (reproducible) in quick mode, random in soak mode.

    The bot is started once per test (a function-scoped fixture reused across examples), so
    the function-scoped-fixture health check is suppressed on purpose.
    """
    override = os.environ.get("NEXUS_FUZZ_EXAMPLES", "").strip()
    n = int(override) if override.isdigit() else scale(quick, soak)
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=not SOAK,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


class ErrorLog(logging.Handler):
    """Collects ERROR (and worse) records of the bot's own loggers (nexus.*)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "nexus" or record.name.startswith("nexus."):
            self.records.append(record)

    def messages(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in self.records]


@pytest.fixture
async def nexus(db: Database) -> AsyncIterator[Nexus]:
    """One real bot + simulator for the whole test (all Hypothesis examples share it)."""
    errors = ErrorLog()
    root = logging.getLogger("nexus")
    root.addHandler(errors)
    harness = await start_nexus(db)
    harness.error_log = errors  # type: ignore[attr-defined]
    try:
        yield harness
        assert not harness.sim.violations, [v.reason for v in harness.sim.violations]
        assert not errors.records, errors.messages()
        assert not harness.sim.internal_errors, harness.sim.internal_errors
    finally:
        root.removeHandler(errors)
        await stop_nexus(harness)
