"""An aiohttp test client on the hub, reading a real migrated database read-only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.db import Database
from bot.web.app import create_app
from bot.web.context import WebConfig
from bot.web.database import forbid_writes
from bot.wiring import open_database

Client = TestClient
MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture
async def hub_client(db: Database) -> AsyncIterator[MakeClient]:
    """`await hub_client()` after the test wrote its rows: a client on a second,
    read-only connection to the same database (as `nexus web` beside a bot)."""
    opened: list[tuple[Client, Database]] = []

    async def make(config: WebConfig | None = None) -> Client:
        url = db.engine.url.render_as_string(hide_password=False)
        reader = open_database(url)
        forbid_writes(reader)
        client: Client = TestClient(TestServer(create_app(reader, config or WebConfig())))
        await client.start_server()
        opened.append((client, reader))
        return client

    yield make
    for client, reader in opened:
        await client.close()
        await reader.dispose()
