"""The playground driving the REAL NexusBot through the simulator, line by line."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.playground import run_playground
from bot.playground.events import Event
from bot.playground.runner import Runner
from bot.playground.session import Session, build_world


@pytest.fixture
async def play(db: Database) -> AsyncIterator[Runner]:
    """A playground on the test database (SQLite, or PostgreSQL when configured)."""
    session = await Session.start(db.engine.url.render_as_string(hide_password=False))
    runner = Runner(session)
    try:
        yield runner
    finally:
        runner.close()
        await session.stop()
    assert not session.sim.violations, [v.reason for v in session.sim.violations]


async def run(runner: Runner, line: str) -> list[Event]:
    outcome = await runner.run(line)
    errors = [e.content for e in outcome.events if e.kind == "error"]
    assert not outcome.failed, errors
    return outcome.events


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]


def registered(runner: Runner, name: str, kind: int = 1) -> bool:
    return any(
        c["name"] == name and int(c.get("type", 1)) == kind
        for c in runner.world.commands_for(runner.session.guild.id)
    )


async def test_slash_commands_as_members(play: Runner) -> None:
    [about] = await run(play, "/nexus about")
    assert about.kind == "reply" and about.actor == "alice" and about.ephemeral
    assert about.embeds and about.channel == "general"
    [refusal] = await run(play, "as mallory /setup")
    assert refusal.kind == "reply" and refusal.actor == "mallory" and refusal.ephemeral
    assert refusal.content and not refusal.embeds
    [saved] = await run(
        play,
        "as admin /setup timezone:Europe/Berlin digest_day:Friday "
        "mod_log_channel:#mod-log moderator_role:@&Moderator",
    )
    assert saved.kind == "reply" and "Europe/Berlin" in json.dumps(saved.embeds)
    [choices] = await run(play, "complete /setup timezone:berl")
    assert choices.kind == "autocomplete"
    assert choices.choices and choices.choices[0]["value"] == "Europe/Berlin"


async def test_switching_member_and_channel(play: Runner) -> None:
    await run(play, "as bob")
    await run(play, "in #pairing")
    assert play.prompt == "bob in #pairing> "
    [about] = await run(play, "/nexus about")
    assert about.actor == "bob" and about.channel == "pairing"
    [one_off] = await run(play, "as carol in #general /nexus about")
    assert one_off.actor == "carol" and one_off.channel == "general"
    assert play.prompt == "bob in #pairing> "


async def test_chat_mentions_history_and_menu_targets(play: Runner) -> None:
    assert await run(play, "say I am stuck on CORS, @bob can you look? see #pairing") == []
    await run(play, "as bob say sure, what is the error?")
    msgs = play.world.messages_in(play.session.demo.channels["general"].id)
    bob = play.session.demo.members["bob"]
    pairing = play.session.demo.channels["pairing"]
    assert f"<@{bob.id}>" in msgs[0].content and f"<#{pairing.id}>" in msgs[0].content
    [history] = await run(play, "history")
    assert "[2] alice: I am stuck on CORS, @bob" in history.content
    assert "[1] bob: sure" in history.content
    outcome = await play.run('menu "No such menu" on 5')
    assert outcome.failed and "only 2 message" in outcome.events[0].content


async def test_errors_are_readable_and_the_session_goes_on(play: Runner) -> None:
    cases = {
        "bogus": "unknown input",
        "/nosuchcommand": "registered",
        "as nobody /setup": "no member named 'nobody'",
        "in #nowhere": "no channel named",
        "click 1": "has buttons",
        "select 1": "select menu",
        'modal title="x"': "no open modal",
        "as admin /setup digest_hour:late": "whole number",
        "as admin /setup nonsense:1": "no option",
    }
    for line, hint in cases.items():
        outcome = await play.run(line)
        assert outcome.failed and outcome.events[-1].kind == "error", line
        assert hint in outcome.events[-1].content, (line, outcome.events[-1].content)
    [about] = await run(play, "/nexus about")
    assert about.embeds


async def test_buttons_and_modal_when_the_concepts_feature_is_there(play: Runner) -> None:
    assert registered(play, "concept"), "/concept is not registered yet"
    first = await run(play, "/concept list")
    with_buttons = [e for e in first if e.buttons]
    assert with_buttons, "/concept list shows no buttons"
    last = with_buttons[-1].buttons[-1]
    clicked = await run(play, f"click {last['index']}")
    assert clicked and clicked[0].kind == "reply"
    shown = await run(play, "/concept suggest")
    assert shown and shown[0].kind == "modal", "/concept suggest does not open a modal"
    modal = shown[0].modal
    assert modal is not None
    fill = " ".join(
        f'{f["custom_id"]}="Playground {f["custom_id"]} text"'
        for f in modal["fields"]
        if f["required"]
    )
    answer = await run(play, f"modal {fill}")
    assert answer and answer[0].kind in ("reply", "followup")
    assert (await play.run('modal x="y"')).failed  # the modal closed on submit


async def test_capture_from_chat_with_the_context_menu(play: Runner) -> None:
    assert registered(play, "Save as challenge", kind=3), (
        "the message command 'Save as challenge' is not registered yet"
    )
    await run(play, "say My fetch to the API fails with a CORS error, how do I fix it?")
    events = await run(play, 'menu "Save as challenge" on last')
    assert events and events[0].kind in ("reply", "modal")
    if events[0].kind == "modal":
        modal = events[0].modal
        assert modal is not None
        fill = " ".join(
            f'{f["custom_id"]}="CORS error when calling the API"'
            for f in modal["fields"]
            if f["required"] and not f["value"]
        )
        answer = await run(play, f"modal {fill}")
        assert answer and answer[0].kind in ("reply", "followup", "channel_message")


async def test_messages_the_bot_posts_in_channels_are_shown(play: Runner) -> None:
    assert registered(play, "digest"), "/digest is not registered yet"
    events = await run(play, "as mod /digest now")
    posted = [e for e in events if e.kind == "channel_message"]
    assert posted and {e.channel for e in posted} == {"digest"}
    assert all(e.actor == "mod" and not e.ephemeral for e in posted)


async def test_digest_settings_answers_with_the_next_run_in_the_playground(play: Runner) -> None:
    """The playground runs without a scheduler: its digest job is pending (APScheduler 3
    gives a pending job no next_run_time), and the reply must still say when it runs."""
    [saved] = await run(play, "as mod /digest settings weekday:Friday hour:9")
    assert saved.kind == "reply" and saved.ephemeral
    assert saved.content and "saved" in saved.content and "went wrong" not in saved.content
    assert "Next digest: Fri" in saved.content and "09:00" in saved.content
    [shown] = await run(play, "as mod /digest settings")
    assert shown.content and "Next digest: Fri" in shown.content
    [off] = await run(play, "as mod /digest settings enabled:False")
    assert off.content and "Next digest" not in off.content


async def test_only_the_member_who_saw_an_ephemeral_message_can_click_it(play: Runner) -> None:
    assert registered(play, "concept"), "/concept is not registered yet"
    shown = [e for e in await run(play, "/concept list") if e.buttons and e.ephemeral]
    enabled = [b["index"] for e in shown for b in e.buttons if not b["disabled"]]
    assert enabled, "/concept list shows no private buttons"
    outcome = await play.run(f"as bob click {enabled[0]}")
    assert outcome.failed and "no message shown to bob has buttons" in outcome.events[0].content
    assert (await run(play, f"click {enabled[0]}"))[0].actor == "alice"


def _script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "session.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _json_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


KEYS = {"actor", "kind", "ephemeral", "content", "embeds", "components", "channel"}


def test_script_json_output_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script(
        tmp_path, "# a demo\n/nexus about\nas mallory /setup\nas admin /setup digest_hour:9\n"
    )
    assert run_playground(None, script, as_json=True) == 0
    events = _json_lines(capsys.readouterr().out)
    assert [(e["line"], e["actor"], e["kind"]) for e in events] == [
        (2, "alice", "reply"),
        (3, "mallory", "reply"),
        (4, "admin", "reply"),
    ]
    assert all(KEYS <= set(e) for e in events)
    assert events[0]["embeds"] and events[1]["ephemeral"] and not events[1]["embeds"]


def test_a_failed_line_makes_the_script_fail_but_it_runs_to_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script(tmp_path, "frobnicate\n/nexus about\nquit\n/nexus about\n")
    assert run_playground(None, script, as_json=True) == 1
    events = _json_lines(capsys.readouterr().out)
    assert [e["kind"] for e in events] == ["error", "reply"]  # stops at quit
    assert "unknown input" in events[0]["content"]


def test_missing_script_or_bad_database_is_a_startup_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_playground(None, tmp_path / "missing.txt", as_json=True) == 2
    script = _script(tmp_path, "/nexus about\n")
    assert run_playground("mysql://nope/x", script, as_json=True) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--database" in captured.err


def test_a_database_file_keeps_the_server_between_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = build_world()[1].guild.id, build_world()[1].guild.id
    assert first == second  # the demo world's ids are deterministic
    db_file = str(tmp_path / "kept.db")
    setup = _script(tmp_path, "as admin /setup timezone:Asia/Tokyo\n")
    assert run_playground(db_file, setup, as_json=True) == 0
    look = _script(tmp_path, "as admin /setup\n")
    capsys.readouterr()
    assert run_playground(db_file, look, as_json=True) == 0
    # (other events may follow: e.g. a pairing round the scheduler catches up on)
    [shown] = [e for e in _json_lines(capsys.readouterr().out) if e["kind"] == "reply"]
    assert "Asia/Tokyo" in json.dumps(shown["embeds"])


# ---- the CLI as a separate process ---------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def _nexus(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "playground", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_example_script_runs_clean_with_json_only_on_stdout() -> None:
    done = _nexus("--script", "examples/playground.txt", "--json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    events = _json_lines(done.stdout)
    assert events and all(KEYS <= set(e) for e in events)
    assert not [e for e in events if e["kind"] == "error"]
    assert {"reply", "autocomplete", "modal"} <= {e["kind"] for e in events}


def test_piped_input_is_a_script_and_eof_ends_it_cleanly() -> None:
    done = _nexus(stdin="/nexus about\nas mallory /setup\n")
    assert done.returncode == 0, done.stderr
    assert "About Nexus" in done.stdout and "only you can see this" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_ctrl_c_at_the_prompt_stops_everything() -> None:
    import pty
    import signal
    import threading
    import time

    try:
        master, slave = pty.openpty()
    except OSError as exc:
        pytest.skip(f"no pseudo-terminal available here: {exc}")
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    # Started with SIGINT ignored, as a shell's background job (or a parent in C system())
    # starts it: Ctrl-C must still stop the interactive playground.
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "playground"],
        cwd=REPO,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    os.close(slave)
    # stderr is drained on a thread: a full pipe would block the playground's logging.
    errors: list[bytes] = []
    stream = proc.stderr
    assert stream is not None
    drain = threading.Thread(target=lambda: errors.append(stream.read()), daemon=True)
    drain.start()
    seen = b""
    try:
        deadline = time.monotonic() + 30
        while b"alice in #general> " not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                seen += os.read(master, 4096)
        assert b"alice in #general> " in seen, seen
        status = Path(f"/proc/{proc.pid}/status")
        masks = [ln for ln in status.read_text().splitlines() if ln.startswith("Sig")]
        proc.send_signal(signal.SIGINT)
        # Keep reading, as a terminal does: a full pseudo-terminal buffer would block the
        # playground's goodbye output and look like a hang.
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the playground closed its terminal: it is exiting
                    break
        try:
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            code = None
        assert code == 130, (code, masks, seen[-2000:])
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    drain.join(timeout=10)
    assert errors and b"Traceback" not in errors[0], errors[:1]


async def test_complete_sends_words_for_an_integer_option_as_discord_does(play: Runner) -> None:
    """Discord sends what was typed so far for a focused integer option: "flask", not 12."""
    outcome = await play.run("complete /challenge view id:flask")
    assert not outcome.failed, outcome.events[-1].content
    assert outcome.events[-1].kind == "autocomplete"


async def test_private_pair_threads_are_for_their_members_only(play: Runner) -> None:
    """Addressed by part of their name; only the pair (and moderators) see and post there."""
    await run(play, "as mod /pair round")
    alice_sees = (await play.run("channels")).events[-1].content
    assert "Pair:" not in alice_sees
    refused = await play.run('in "Pair: Dave" say hello')
    assert refused.failed and "private thread" in refused.events[-1].content
    posted = await play.run('as dave in "pair: dave" say hi partner')
    assert not posted.failed, posted.events[-1].content
    dave_sees = (await play.run("as dave channels")).events[-1].content
    assert "Pair: Dave & Bob" in dave_sees and "Pair: Erin & Carol" not in dave_sees
    ambiguous = await play.run('as mod in "Pair:" say hello')
    assert ambiguous.failed and "could be any of" in ambiguous.events[-1].content


async def test_a_code_block_can_be_typed_over_several_lines(play: Runner) -> None:
    from bot.playground import _scripted

    lines = ["say My code fails: \\", "```py", "def f():", "    return 1/0", "```", "history 1"]
    joined = [(n, text) async for n, text in _scripted(lines)]
    assert [n for n, _ in joined] == [1, 6]
    message = joined[0][1]
    assert message == "say My code fails: \n```py\ndef f():\n    return 1/0\n```"
    outcome = await play.run(message)
    assert not outcome.failed, outcome.events
    posted = play.world.messages_in(play.channel.id)[-1]
    assert posted.content.endswith("```py\ndef f():\n    return 1/0\n```")


async def test_wait_lets_scheduled_work_happen(play: Runner) -> None:
    """A week passes: the pairing round starts, its check-ins go out, the digest is posted."""
    outcome = await play.run("wait 7d")
    assert not outcome.failed, outcome.events
    note = outcome.events[0].content
    assert note.startswith("It is now") and "round" in note and "digest" in note
    posted = {e.channel for e in outcome.events if e.kind == "channel_message"}
    assert "digest" in posted and any(c and c.startswith("#") for c in posted if c != "digest")
    quiet = await play.run("wait 1m")
    assert "Nothing was due meanwhile" in quiet.events[0].content
    bad = await play.run("wait soon")
    assert bad.failed and "wait 7d" in bad.events[-1].content
