"""The `nexus` command line: run, playground, db, seed, sync, export, web, invite-url."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli_parser import parser
from bot.settings import Settings, SettingsError

log = logging.getLogger("nexus")
EXIT_CONFIG = 2


async def _prepare_database(settings: Settings) -> None:
    from bot.db.migrate import upgrade
    from bot.services import concepts
    from bot.wiring import open_database

    if settings.auto_migrate:
        await upgrade(settings.database_url)
    if settings.auto_seed:
        db = open_database(settings.database_url)
        try:
            await concepts.seed_if_needed(db)
        finally:
            await db.dispose()


async def _run(settings: Settings) -> int:
    import discord

    from bot.client import NexusBot
    from bot.shard_coordination import ShardRegistry
    from bot.shards import ShardPlan
    from bot.wiring import open_database

    await _prepare_database(settings)
    db = open_database(settings.database_url, listen=True)
    registry = None
    try:
        if not db.is_sqlite and settings.shard_count is not None:
            registry = ShardRegistry(db, ShardPlan(settings.shard_count, settings.shard_ids))
            try:
                await registry.register()
            except SettingsError as exc:
                print(f"nexus: error: {exc}", file=sys.stderr)
                return EXIT_CONFIG
        async with NexusBot(settings, db) as bot:
            if registry is not None and settings.job_takeover:
                bot.scheduler.orphans = registry.orphaned
            try:
                await bot.start(settings.token)
            except discord.LoginFailure:
                print("nexus: error: DISCORD_TOKEN was rejected by Discord", file=sys.stderr)
                return EXIT_CONFIG
            except discord.PrivilegedIntentsRequired:
                print("nexus: error: Discord refused the requested intents", file=sys.stderr)
                return EXIT_CONFIG
    finally:
        if registry is not None:
            await registry.unregister()
        await db.dispose()
    return 0


async def _sync(settings: Settings) -> int:
    from bot.client import NexusBot
    from bot.db.migrate import upgrade
    from bot.wiring import open_database

    await upgrade(settings.database_url)
    db = open_database(settings.database_url)
    quiet = Settings(**{**settings.__dict__, "sync_on_start": False})
    try:
        async with NexusBot(quiet, db, run_scheduler=False) as bot:
            await bot.login(settings.token)
            await bot.sync_commands(force=True)
    finally:
        await db.dispose()
    print("commands synced")
    return 0


async def _seed(settings: Settings) -> int:
    from bot.db.migrate import upgrade
    from bot.services import concepts
    from bot.wiring import open_database

    await upgrade(settings.database_url)
    db = open_database(settings.database_url)
    try:
        written = await concepts.seed_if_needed(db)
    finally:
        await db.dispose()
    print(f"seeded: {written} concept(s) written")
    return 0


async def _export(settings: Settings, guild_id: int, out: Path) -> int:
    from bot.services.export import export_guild, guild_has_data
    from bot.wiring import open_database

    db = open_database(settings.database_url)
    try:
        if not await guild_has_data(db, guild_id):
            print(
                f"nexus: error: server {guild_id} has no data in this database "
                "(check --guild and DATABASE_URL)",
                file=sys.stderr,
            )
            return 1
        files = await export_guild(db, guild_id, out)
    finally:
        await db.dispose()
    for path in files:
        print(path)
    return 0


def _db(settings: Settings, action: str, revision: str, args: argparse.Namespace) -> int:
    from bot.db.migrate import (
        UnknownRevision,
        check_revision,
        downgrade,
        downgrade_plan,
        upgrade,
    )

    if action == "upgrade":
        asyncio.run(upgrade(settings.database_url))
        print("database is up to date")
        return 0
    try:
        check_revision(revision)
    except UnknownRevision as exc:
        print(f"nexus: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    undone, rows = asyncio.run(downgrade_plan(settings.database_url, revision))
    if not undone:
        print(f"nothing to undo: the database is already at {revision}")
        return 0
    print("Downgrading undoes these migrations (newest first):")
    for line in undone:
        print(f"  {line}")
    if rows:
        print("and DELETES every table with its rows:")
        for table, count in sorted(rows.items()):
            print(f"  {table}: {count} row(s)")
    if not args.yes:
        print("Nothing was changed. Add --yes to downgrade (back up the database first).")
        return 1
    asyncio.run(downgrade(settings.database_url, revision))
    print(f"database downgraded to {revision}")
    return 0


def _web(settings: Settings, host: str, port: int, rate: float, behind_proxy: bool) -> int:
    from bot.web.context import WebConfig
    from bot.web.serve import NotReady, run

    if not 0 < port < 65536 or rate < 0:
        print("nexus: error: --port must be 1-65535 and --rate 0 or more", file=sys.stderr)
        return EXIT_CONFIG
    try:
        config = WebConfig(settings.web_base_url, rate, behind_proxy=behind_proxy)
        run(settings.database_url, host, port, config)
    except NotReady as exc:
        print(f"nexus: error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "invite-url":
            from bot.permissions import invite_url

            app_id = args.application_id or Settings.from_env(require_token=False).application_id
            if not app_id:
                raise SettingsError("give --application-id or set APPLICATION_ID")
            print(invite_url(app_id))
            return 0
        if args.command == "eval-search":
            from bot.eval_search import DEFAULT_POSTS, DEFAULT_QUERIES, DEFAULT_RESULTS
            from bot.eval_search import run as eval_search

            return eval_search(
                args.queries or DEFAULT_QUERIES,
                DEFAULT_RESULTS,
                check=args.check,
                record=args.record,
                as_json=args.json,
                posts=args.posts or DEFAULT_POSTS,
            )
        if args.command == "playground":
            from bot.playground import run_playground

            return run_playground(database=args.database, script=args.script, as_json=args.json)
        settings = Settings.from_env(require_token=args.command in ("run", "sync"))
    except SettingsError as exc:
        print(f"nexus: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG

    from bot.logs import setup_logging

    setup_logging(settings.logging_level(), settings.token)
    try:
        if args.command == "run":
            return asyncio.run(_run(settings))
        if args.command == "sync":
            return asyncio.run(_sync(settings))
        if args.command == "seed":
            return asyncio.run(_seed(settings))
        if args.command == "export":
            return asyncio.run(_export(settings, args.guild, args.out))
        if args.command == "db":
            return _db(settings, args.db_command, getattr(args, "revision", ""), args)
        if args.command == "web":
            return _web(settings, args.host, args.port, args.rate, args.behind_proxy)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        # e.g. the database server is unreachable: one line, no traceback.
        print(f"nexus: error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
