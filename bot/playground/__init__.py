"""`nexus playground`: the real bot against a local Discord simulator, driven line by line.

Exit codes: 0 every line ran (a bot's error REPLY, e.g. a refusal, is not a failure);
1 some line failed (unparsable, unknown member/command/button, no answer from the bot,
a crash the bot logged, a request Discord would reject); 2 could not start; 130 Ctrl-C.
In the interactive REPL failed lines are shown and do not change the exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot.playground.lexer import ParseError, continued, needs_more
from bot.playground.parser import parse_line
from bot.playground.session import Session, StartupError

if TYPE_CHECKING:
    from bot.playground.runner import Runner

__all__ = ["ParseError", "parse_line", "run_playground"]

EXIT_OK, EXIT_FAILED, EXIT_STARTUP, EXIT_INTERRUPTED = 0, 1, 2, 130
BANNER = (
    "Nexus playground: the real bot on a local Discord, server 'Nexus Playground'.\n"
    "You are alice in #general. Type `help` for what you can do, `quit` to leave."
)


def run_playground(database: str | None, script: Path | None, as_json: bool) -> int:
    _setup_logging()
    lines: list[str] | None = None
    if script is not None:
        try:
            text = sys.stdin.read() if str(script) == "-" else script.read_text(encoding="utf-8")
        except OSError as exc:
            print(
                f"nexus: error: cannot read --script {script}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return EXIT_STARTUP
        lines = text.splitlines()
    elif not sys.stdin.isatty():  # piped: behave like a script
        lines = sys.stdin.read().splitlines()
    interactive = lines is None
    if interactive:
        # Ctrl-C must stop an interactive session even when the program that started us
        # ignored SIGINT (a shell's background job, C system(), some IDE runners): Python
        # keeps an ignored SIGINT ignored. Scripts keep whatever their caller chose.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return asyncio.run(_main(database, lines, as_json, interactive))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `nexus playground ... | head`
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _setup_logging() -> None:
    """Log noise goes to stderr, WARNING and up unless LOG_LEVEL says otherwise."""
    from bot.logs import setup_logging

    level = os.environ.get("LOG_LEVEL", "WARNING").strip().upper()
    setup_logging(getattr(logging, level, logging.WARNING))
    for handler in logging.getLogger().handlers:
        handler.addFilter(_no_voice_warning)


def _no_voice_warning(record: logging.LogRecord) -> bool:
    """discord.py warns at start that voice is unsupported: true, and irrelevant here."""
    return "voice will NOT be supported" not in str(record.msg)


async def _main(
    database: str | None, lines: list[str] | None, as_json: bool, interactive: bool
) -> int:
    from bot.playground.render import Renderer
    from bot.playground.resolve import Names
    from bot.playground.runner import Runner

    try:
        session = await Session.start(database)
    except StartupError as exc:
        print(f"nexus: error: {exc}", file=sys.stderr)
        return EXIT_STARTUP
    runner = Runner(session)
    renderer = Renderer(sys.stdout, as_json=as_json, names=Names(session.guild))
    failed = False
    try:
        if interactive:
            renderer.note(BANNER)
        source = _prompted(runner, as_json) if interactive else _scripted(lines)
        async for lineno, raw in source:
            if not interactive:
                renderer.echo(runner.prompt, raw)
            outcome = await runner.run(raw, lineno)
            renderer.show(outcome.events)
            failed = failed or outcome.failed
            if outcome.quit:
                break
    finally:
        runner.close()
        await session.stop()
    return EXIT_FAILED if failed and not interactive else EXIT_OK


async def _scripted(lines: list[str] | None) -> AsyncIterator[tuple[int, str]]:
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(lines or [], start=1):
        if pending is not None:
            pending = (pending[0], continued(pending[1], raw))
        elif _is_blank(raw):
            continue
        else:
            pending = (number, raw)
        if not needs_more(pending[1]):
            yield pending
            pending = None
    if pending is not None:  # an unclosed fence at the end: run what there is
        yield pending


def _is_blank(raw: str) -> bool:
    text = raw.strip()
    return not text or text.startswith("#")


async def _prompted(runner: Runner, as_json: bool) -> AsyncIterator[tuple[int, str]]:
    """Lines typed at a prompt, read in a daemon thread so the bot keeps running meanwhile."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    number = 0
    while True:
        raw = await _read_line(runner.prompt, to_stderr=as_json)
        if raw is None:
            (sys.stderr if as_json else sys.stdout).write("\n")
            return
        number += 1
        while needs_more(raw):  # a code block or a continued line: read on
            more = await _read_line("... ", to_stderr=as_json)
            if more is None:
                break
            raw = continued(raw, more)
        if not _is_blank(raw):
            yield number, raw


async def _read_line(prompt: str, *, to_stderr: bool) -> str | None:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def deliver(value: str | None) -> None:
        if not future.done():
            future.set_result(value)

    def read() -> None:
        try:
            if to_stderr:  # keep stdout pure JSON
                sys.stderr.write(prompt)
                sys.stderr.flush()
                value: str | None = input()
            else:
                value = input(prompt)
        except (EOFError, OSError, ValueError):
            value = None
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (Ctrl-C)
            loop.call_soon_threadsafe(deliver, value)

    threading.Thread(target=read, name="playground-input", daemon=True).start()
    return await future
