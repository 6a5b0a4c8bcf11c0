"""The `nexus` command line: run, playground, db, seed, sync, export, invite-url."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.settings import Settings, SettingsError

log = logging.getLogger("nexus")
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexus",
        description="Nexus: the knowledge-base, pairing and digest bot for learner communities.",
    )
    parser.add_argument("--version", action="version", version=f"nexus {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    sub.add_parser(
        "run",
        help="run the bot (needs DISCORD_TOKEN)",
        description="Upgrade the database, seed concepts, connect to Discord.",
    )

    play = sub.add_parser(
        "playground",
        help="try Nexus against a local Discord simulator (no token needed)",
        description="Start a local Discord, a demo server and the bot, then a REPL.",
    )
    play.add_argument("--database", help="database URL or SQLite file (default: temporary)")
    play.add_argument("--script", type=Path, help="read commands from FILE instead of a prompt")
    play.add_argument("--json", action="store_true", help="print one JSON object per reply")

    db = sub.add_parser("db", help="database migrations", description="Database migrations.")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.required = True
    db_sub.add_parser(
        "upgrade",
        help="upgrade the schema to the latest revision",
        description="Upgrade the schema to the latest revision (idempotent).",
    )
    down = db_sub.add_parser(
        "downgrade",
        help="downgrade to a revision",
        description="Downgrade the schema to REVISION (e.g. base).",
    )
    down.add_argument("revision")

    sub.add_parser(
        "seed",
        help="load data/concepts into the base knowledge base",
        description="Load the seed concepts idempotently.",
    )
    sub.add_parser(
        "sync",
        help="sync slash commands with Discord now",
        description="Register the slash commands (to DEV_GUILD_ID if set).",
    )

    export = sub.add_parser(
        "export",
        help="export a server's knowledge as Markdown",
        description="Write a server's published knowledge as a Markdown hub.",
    )
    export.add_argument("--guild", type=int, required=True, help="server (guild) id")
    export.add_argument("--out", type=Path, default=Path("export"), help="output folder")

    ev = sub.add_parser(
        "eval-search",
        help="measure how well lookups and searches find the right concept",
        description=(
            "Run the search evaluation set (data/eval/queries.yaml) against the seed "
            "concepts and print top-1, top-3 and MRR per kind and track, then the misses. "
            "Example: nexus eval-search --check"
        ),
    )
    ev.add_argument("--queries", type=Path, help="evaluation set (default: data/eval/queries.yaml)")
    ev.add_argument(
        "--check", action="store_true", help="exit 1 if a figure fell >2 points below the record"
    )
    ev.add_argument(
        "--record", action="store_true", help="write the figures to data/eval/results.json"
    )
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")

    invite = sub.add_parser(
        "invite-url",
        help="print the OAuth2 URL to invite the bot",
        description="Print the invite URL with the permissions Nexus needs.",
    )
    invite.add_argument("--application-id", type=int, help="application id (or APPLICATION_ID)")
    return parser


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
    from bot.wiring import open_database

    await _prepare_database(settings)
    db = open_database(settings.database_url)
    try:
        async with NexusBot(settings, db) as bot:
            try:
                await bot.start(settings.token)
            except discord.LoginFailure:
                print("nexus: error: DISCORD_TOKEN was rejected by Discord", file=sys.stderr)
                return EXIT_CONFIG
            except discord.PrivilegedIntentsRequired:
                print("nexus: error: Discord refused the requested intents", file=sys.stderr)
                return EXIT_CONFIG
    finally:
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
    from bot.services.export import export_guild
    from bot.wiring import open_database

    db = open_database(settings.database_url)
    try:
        files = await export_guild(db, guild_id, out)
    finally:
        await db.dispose()
    for path in files:
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "invite-url":
            from bot.permissions import invite_url

            app_id = args.application_id or Settings.from_env(require_token=False).application_id
            if not app_id:
                raise SettingsError("give --application-id or set APPLICATION_ID")
            print(invite_url(app_id))
            return 0
        if args.command == "eval-search":
            from bot.eval_search import DEFAULT_QUERIES, DEFAULT_RESULTS
            from bot.eval_search import run as eval_search

            return eval_search(
                args.queries or DEFAULT_QUERIES,
                DEFAULT_RESULTS,
                check=args.check,
                record=args.record,
                as_json=args.json,
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
            from bot.db.migrate import downgrade, upgrade

            if args.db_command == "upgrade":
                asyncio.run(upgrade(settings.database_url))
                print("database is up to date")
            else:
                asyncio.run(downgrade(settings.database_url, args.revision))
                print(f"database downgraded to {args.revision}")
            return 0
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        # e.g. the database server is unreachable: one line, no traceback.
        print(f"nexus: error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
