"""The `nexus` command line's arguments: what each command does, with an example."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot import __version__

_FMT = argparse.RawDescriptionHelpFormatter


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="nexus",
        description=(
            "Nexus: the knowledge-base, pairing and digest bot for learner communities.\n"
            "Settings come from the environment or a .env file (docs/configuration.md)."
        ),
        formatter_class=_FMT,
        epilog=_examples(
            "nexus playground              try Nexus on a local Discord, no token needed",
            "nexus run                     run the bot (DISCORD_TOKEN in .env)",
            "nexus db upgrade              create or upgrade the database",
        ),
    )
    top.add_argument("--version", action="version", version=f"nexus {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    sub.add_parser(
        "run",
        help="run the bot (needs DISCORD_TOKEN)",
        description="Upgrade the database, seed the concepts, connect to Discord and serve.",
        formatter_class=_FMT,
        epilog=_examples("DISCORD_TOKEN=... nexus run", "DATABASE_URL=data/nexus.db nexus run"),
    )

    play = sub.add_parser(
        "playground",
        help="try Nexus against a local Discord simulator (no token needed)",
        description=(
            "Start a local Discord, a demo server with members and the real bot, then a\n"
            "prompt where you act as the members (type `help` there). docs/playground.md."
        ),
        formatter_class=_FMT,
        epilog=_examples(
            "nexus playground",
            "nexus playground --script examples/playground.txt",
            "nexus playground --database demo.db     keep the demo server between runs",
        ),
    )
    play.add_argument("--database", help="database URL or SQLite file (default: temporary)")
    play.add_argument("--script", type=Path, help="read commands from FILE instead of a prompt")
    play.add_argument("--json", action="store_true", help="print one JSON object per reply")

    db = sub.add_parser(
        "db",
        help="database migrations (upgrade, downgrade)",
        description="Create, upgrade or downgrade the database schema (Alembic migrations).",
        formatter_class=_FMT,
        epilog=_examples("nexus db upgrade", "nexus db downgrade -1 --yes"),
    )
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.required = True
    db_sub.add_parser(
        "upgrade",
        help="upgrade the schema to the latest revision",
        description="Upgrade the schema to the latest revision (safe to run again).",
        formatter_class=_FMT,
        epilog=_examples("nexus db upgrade"),
    )
    down = db_sub.add_parser(
        "downgrade",
        help="downgrade to a revision (asks for --yes: data is lost)",
        description=(
            "Undo migrations down to REVISION: base (everything), -1 (the last one) or an id\n"
            "from alembic/versions/. Without --yes, only prints what would be lost."
        ),
        formatter_class=_FMT,
        epilog=_examples("nexus db downgrade -1", "nexus db downgrade base --yes"),
    )
    down.add_argument("revision", help="base, -1, or a revision id such as 0008")
    down.add_argument("--yes", action="store_true", help="really downgrade (data is lost)")

    sub.add_parser(
        "seed",
        help="load data/concepts into the base knowledge base",
        description="Load the seed concepts (idempotent: only changed files are written).",
        formatter_class=_FMT,
        epilog=_examples("nexus seed"),
    )
    sub.add_parser(
        "sync",
        help="sync slash commands with Discord now",
        description="Register the slash commands with Discord (to DEV_GUILD_ID if set).",
        formatter_class=_FMT,
        epilog=_examples("DEV_GUILD_ID=123456789012345678 nexus sync"),
    )

    export = sub.add_parser(
        "export",
        help="export a server's knowledge as Markdown",
        description="Write a server's published knowledge as a Markdown hub (a folder of pages).",
        formatter_class=_FMT,
        epilog=_examples("nexus export --guild 123456789012345678 --out hub"),
    )
    export.add_argument("--guild", type=int, required=True, help="server (guild) id")
    export.add_argument("--out", type=Path, default=Path("export"), help="output folder")

    hub = sub.add_parser(
        "web",
        help="serve the read-only web knowledge hub",
        description=(
            "Serve the knowledge of the servers that opted in (/setup web_hub:True) as web\n"
            "pages, read-only, from the bot's database (DATABASE_URL). docs/server-owners.md."
        ),
        formatter_class=_FMT,
        epilog=_examples(
            "nexus web                              http://127.0.0.1:8080/",
            "nexus web --host 0.0.0.0 --port 8000  behind a reverse proxy",
        ),
    )
    hub.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    hub.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    hub.add_argument(
        "--rate", type=float, default=120.0, help="requests a minute per client (0: no limit)"
    )
    hub.add_argument(
        "--behind-proxy",
        action="store_true",
        help="count clients by the address your reverse proxy adds to X-Forwarded-For",
    )

    ev = sub.add_parser(
        "eval-search",
        help="measure how well lookups and searches find the right concept",
        description=(
            "Run the search evaluation set (data/eval/queries.yaml) against the seed\n"
            "concepts; print top-1, top-3 and MRR per kind and track, what the help forum\n"
            "proposes over data/eval/forum_posts.yaml, then the misses."
        ),
        formatter_class=_FMT,
        epilog=_examples("nexus eval-search", "nexus eval-search --check"),
    )
    ev.add_argument("--queries", type=Path, help="evaluation set (default: data/eval/queries.yaml)")
    ev.add_argument(
        "--posts", type=Path, help="help-forum posts (default: data/eval/forum_posts.yaml)"
    )
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
        description="Print the invite URL with the permissions Nexus needs (and nothing more).",
        formatter_class=_FMT,
        epilog=_examples("nexus invite-url --application-id 123456789012345678"),
    )
    invite.add_argument("--application-id", type=int, help="application id (or APPLICATION_ID)")
    return top
