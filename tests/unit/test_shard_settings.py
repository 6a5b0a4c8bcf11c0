"""Shard ownership per process: SHARD_IDS/SHARD_COUNT or SHARD_ORDINAL/PROCESS_COUNT, the
one-line refusals, and agreement with the other live processes through the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import NexusBot
from bot.db import Database
from bot.settings import Settings, SettingsError
from bot.shard_coordination import ShardRegistry
from bot.shards import ShardPlan, shard_plan
from tests.unit.cli_support import nexus as _nexus

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secretsecretsecretsecret"
PG = "postgresql://u:p@127.0.0.1:1/n"


def test_no_shard_settings_is_one_process_with_every_shard() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert settings.shard_count is None and settings.shard_ids is None
    counted = Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "4"})
    assert counted.shard_count == 4 and counted.shard_ids is None  # SQLite: all four here


def test_shard_ids_and_ordinals() -> None:
    assert shard_plan({"SHARD_IDS": "0-2,5", "SHARD_COUNT": "8"}, is_sqlite=False) == ShardPlan(
        8, (0, 1, 2, 5)
    )
    spread = [
        shard_plan(
            {"SHARD_ORDINAL": str(i), "PROCESS_COUNT": "3", "SHARD_COUNT": "8"}, is_sqlite=False
        ).shard_ids
        for i in range(3)
    ]
    assert spread == [(0, 3, 6), (1, 4, 7), (2, 5)]
    one_each = shard_plan({"SHARD_ORDINAL": "1", "PROCESS_COUNT": "2"}, is_sqlite=False)
    assert one_each == ShardPlan(2, (1,))
    # Every shard in one process is fine on SQLite.
    assert shard_plan({"SHARD_IDS": "0,1", "SHARD_COUNT": "2"}, is_sqlite=True).partial is False


BAD = [
    ({"SHARD_IDS": "0,1"}, "SHARD_IDS needs SHARD_COUNT"),
    ({"SHARD_IDS": "0,1,1", "SHARD_COUNT": "4"}, "SHARD_IDS lists shard 1 more than once"),
    ({"SHARD_IDS": "0,4", "SHARD_COUNT": "4"}, "SHARD_IDS: shard 4 is out of range"),
    ({"SHARD_IDS": "a", "SHARD_COUNT": "4"}, "SHARD_IDS must list shard numbers"),
    ({"SHARD_IDS": ",", "SHARD_COUNT": "4"}, "SHARD_IDS lists no shard"),
    ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be at least 1"),
    ({"SHARD_ORDINAL": "3", "PROCESS_COUNT": "3"}, "SHARD_ORDINAL=3 is out of range"),
    ({"SHARD_ORDINAL": "0"}, "SHARD_ORDINAL and PROCESS_COUNT must be set together"),
    ({"PROCESS_COUNT": "x"}, "PROCESS_COUNT must be a whole number"),
    (
        {"SHARD_ORDINAL": "0", "PROCESS_COUNT": "3", "SHARD_COUNT": "2"},
        "SHARD_COUNT=2 is smaller than PROCESS_COUNT=3",
    ),
    ({"SHARD_IDS": "0", "SHARD_COUNT": "2", "SHARD_ORDINAL": "0"}, "cannot be combined"),
]


@pytest.mark.parametrize(("env", "message"), BAD)
def test_bad_shard_settings_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": PG, **env})


def test_some_shards_on_sqlite_is_refused() -> None:
    with pytest.raises(SettingsError, match="needs PostgreSQL"):
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_IDS": "0", "SHARD_COUNT": "2"})


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SHARD_IDS": "0", "SHARD_COUNT": "2"}, "SHARD_IDS"),
        ({"SHARD_IDS": "0,2", "SHARD_COUNT": "2", "DATABASE_URL": PG}, "SHARD_IDS"),
        ({"SHARD_ORDINAL": "2", "PROCESS_COUNT": "2", "DATABASE_URL": PG}, "SHARD_ORDINAL"),
    ],
)
def test_cli_refuses_with_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    result = _nexus("run", env={"DISCORD_TOKEN": TOKEN, **env}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and setting in lines[0], result.stderr
    assert "Traceback" not in result.stderr


async def test_the_bot_runs_exactly_its_shards(db: Database) -> None:
    settings = Settings(token=TOKEN, database_url="x", shard_count=3, shard_ids=(1,))
    bot = NexusBot(settings, db, extensions=[])  # never started: nothing to close
    assert bot.shard_count == 3 and bot.shard_ids == [1]
    assert (bot.identify_gate is None) == db.is_sqlite


async def test_live_processes_must_agree_on_the_shard_count(db: Database) -> None:
    first = ShardRegistry(db, ShardPlan(2, (0,)), host="pod-0")
    await first.register()
    try:
        with pytest.raises(SettingsError, match="SHARD_COUNT=3 disagrees with SHARD_COUNT=2"):
            await ShardRegistry(db, ShardPlan(3, (1,))).register()
        with pytest.raises(SettingsError, match="shard 0 is already owned"):
            await ShardRegistry(db, ShardPlan(2, (0,)), host="pod-9").register()
        with pytest.raises(SettingsError, match="shard 0 is already owned"):
            await ShardRegistry(db, ShardPlan(2, (0, 1)), host="pod-0").register()
        # pod-0 SIGKILLed and restarted at once (no unregister): it takes its row back.
        restarted = ShardRegistry(db, ShardPlan(2, (0,)), host="pod-0")
        await restarted.register()
        assert restarted._task is not None
        restarted._task.cancel()  # the heartbeat; its row is `first`'s, removed below
        second = ShardRegistry(db, ShardPlan(2, (1,)))
        await second.register()
        await second.unregister()
    finally:
        await first.unregister()
    # Once the others stopped, another count may start.
    again = ShardRegistry(db, ShardPlan(3, (0, 1, 2)))
    await again.register()
    await again.unregister()


async def test_identify_buckets_are_shared_by_every_process(db: Database) -> None:
    """Two gates (two processes) on one PostgreSQL: shards of one bucket identify one
    window apart; another bucket does not wait."""
    if db.is_sqlite:
        pytest.skip("identify coordination across processes needs PostgreSQL")
    import time

    from bot.shard_coordination import IdentifyGate

    async def two() -> int:
        return 2

    a, b = IdentifyGate(db, two, window=0.6), IdentifyGate(db, two, window=0.6)
    started = time.monotonic()
    await a.wait(0)
    await b.wait(1)  # bucket 1: at once
    assert time.monotonic() - started < 0.5
    await b.wait(2)  # bucket 0 again: after a's window
    assert time.monotonic() - started >= 0.6
