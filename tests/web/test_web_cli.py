"""`nexus web` as a user starts it: a process serving the hub from DATABASE_URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.unit.cli_support import nexus


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - a local test URL
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_nexus_web_serves_on_localhost_and_stops_on_interrupt(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nexus.db'}"
    assert nexus("db", "upgrade", env={"DATABASE_URL": url}).returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["DATABASE_URL"] = url
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, body = 0, ""
        for _ in range(100):
            try:
                status, body = _get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and "No server has published" in body
        assert _get(f"http://127.0.0.1:{port}/s/nowhere/")[0] == 404
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}/" in out, (out, err)


def test_nexus_web_refuses_a_database_it_cannot_read(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    result = nexus("web", "--port", str(_free_port()), env={"DATABASE_URL": url}, timeout=30)
    assert result.returncode == 1 and "nexus db upgrade" in result.stderr


def test_nexus_web_rejects_a_bad_port() -> None:
    result = nexus("web", "--port", "70000")
    assert result.returncode == 2 and "--port" in result.stderr


def test_web_base_url_setting() -> None:
    from bot.settings import Settings, SettingsError

    env = {"WEB_BASE_URL": "https://hub.example.org/"}
    assert Settings.from_env(env, require_token=False).web_base_url == "https://hub.example.org"
    assert Settings.from_env({}, require_token=False).web_base_url is None
    for bad in ("hub.example.org", "javascript:alert(1)", "https://x.org/?a=1"):
        with pytest.raises(SettingsError):
            Settings.from_env({"WEB_BASE_URL": bad}, require_token=False)
