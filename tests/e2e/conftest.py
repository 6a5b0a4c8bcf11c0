"""E2E fixtures: `nexus` = simulator + real NexusBot on a fresh migrated, seeded database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.db import Database
from tests.e2e.harness import Nexus, start_nexus, stop_nexus


@pytest.fixture
async def nexus(db: Database) -> AsyncIterator[Nexus]:
    harness = await start_nexus(db)
    try:
        yield harness
        # A request that broke Discord's schema or limits fails the test that caused it.
        assert not harness.sim.violations, [v.reason for v in harness.sim.violations]
    finally:
        await stop_nexus(harness)
