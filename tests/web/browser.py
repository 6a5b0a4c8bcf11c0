"""A headless Chromium for the hub's browser tests, or a clear reason to skip them.

The browser: NEXUS_CHROMIUM, else Debian's `chromium` on PATH (Playwright's own download
is not needed). axe-core: NEXUS_AXE_JS, else `npm install --prefix
~/.cache/nexus-browser-tests axe-core` (what .ci/run does).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

AXE_DEFAULT = Path.home() / ".cache/nexus-browser-tests/node_modules/axe-core/axe.min.js"


def chromium_path() -> str | None:
    configured = os.environ.get("NEXUS_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_path() -> Path | None:
    path = Path(os.environ.get("NEXUS_AXE_JS") or AXE_DEFAULT)
    return path if path.is_file() else None


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        return "no Chromium: apt-get install chromium (or set NEXUS_CHROMIUM)"
    if axe_path() is None:
        return f"no axe-core: npm install --prefix {AXE_DEFAULT.parents[2]} axe-core"
    return None
