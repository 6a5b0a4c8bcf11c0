"""The hub in a real headless Chromium: a learner's path through it, hostile entries that
do not run, no console errors, and axe-core finding no serious accessibility problem."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.db import Database
from bot.db.models import ChallengeConcept
from tests.web import browser
from tests.web.conftest import MakeClient
from tests.web.support import (
    add,
    challenge,
    concept,
    open_hub,
    posted_digest,
    solution,
    takeaway,
)
from tests.web.test_web_hostile import HOSTILE

pytestmark = pytest.mark.browser
SERIOUS = ("serious", "critical")


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    reason = browser.missing()
    if reason and os.environ.get("NEXUS_BROWSER_REQUIRED"):
        pytest.fail(f"browser tests cannot run: {reason}")  # CI: never a silent skip
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=browser.chromium_path())
        yield launched
        await launched.close()


async def _site(db: Database, hub_client: MakeClient) -> tuple[str, dict[str, int]]:
    await open_hub(db)
    await concept(db, "Caching Layer", related=["memo-table"], body="Keep **hot** data near.")
    memo = await concept(db, "Memo Table", frontend="Memoised selectors", backend="A lookup")
    cid = await challenge(db, "Webpack chunk names collide", solved=True)
    await add(db, ChallengeConcept(challenge_id=cid, concept_id=memo))
    await solution(db, cid, "Try a clean build", helped=2, minutes=1)
    accepted = await solution(db, cid, "Set `output.chunkFilename`", accepted=True, minutes=2)
    evil = await challenge(db, "<script>window.pwned=1</script>Evil", problem=HOSTILE)
    await solution(db, evil, HOSTILE)
    await takeaway(db, HOSTILE, votes=1)
    await takeaway(db, "Read the error message first", votes=3)
    await concept(db, "Evil Concept", body=HOSTILE, frontend=HOSTILE)
    await posted_digest(db)
    client = await hub_client()
    base = str(client.make_url("/")).rstrip("/")
    return base, {"challenge": cid, "accepted": accepted, "evil": evil}


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    return problems


async def test_a_learner_finds_an_answer_without_javascript(
    db: Database, hub_client: MakeClient, chromium: Any
) -> None:
    base, ids = await _site(db, hub_client)
    context = await chromium.new_context(java_script_enabled=False)
    page = await context.new_page()
    problems = _watch(page)
    await page.goto(f"{base}/s/learners/")
    assert await page.title() == "Learners server"
    await page.get_by_role("link", name="Concepts", exact=True).click()
    await page.get_by_role("link", name="Caching Layer").click()
    assert await page.locator("h1").inner_text() == "Caching Layer"
    await page.get_by_role("link", name="Memo Table").click()  # a related concept
    assert "Memoised selectors" in await page.locator("main").inner_text()
    await page.get_by_label("Search concepts and challenges").fill("memo tabel")  # a typo
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/search?q=*")
    await page.get_by_role("link", name="Memo Table").click()
    await page.get_by_role("link", name="Webpack chunk names collide").click()
    first = page.locator("article.solution").first
    assert "Accepted solution" in await first.inner_text()
    assert await first.get_attribute("id") == f"solution-{ids['accepted']}"
    assert problems == []
    await context.close()


async def test_keyboard_and_phone(db: Database, hub_client: MakeClient, chromium: Any) -> None:
    base, _ = await _site(db, hub_client)
    context = await chromium.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()
    await page.goto(f"{base}/s/learners/concepts")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    widths = await page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths  # no sideways scrolling on a phone
    await context.close()


async def test_hostile_entries_do_not_execute_and_log_nothing(
    db: Database, hub_client: MakeClient, chromium: Any
) -> None:
    base, ids = await _site(db, hub_client)
    # CSP bypassed too: the markup itself must be inert, not only blocked by the policy.
    for bypass in (False, True):
        context = await chromium.new_context(bypass_csp=bypass)
        page = await context.new_page()
        problems = _watch(page)
        for path in (
            f"/s/learners/challenges/{ids['evil']}",
            "/s/learners/concepts/evil-concept",
            "/s/learners/takeaways",
            "/s/learners/",
            "/s/learners/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ):
            await page.goto(base + path)
            assert await page.evaluate("window.pwned === undefined")
            assert await page.locator("main script, main img, main iframe, main svg").count() == 0
        assert problems == [], (bypass, problems)
        await context.close()


async def test_axe_finds_no_serious_accessibility_violations(
    db: Database, hub_client: MakeClient, chromium: Any
) -> None:
    base, ids = await _site(db, hub_client)
    axe = browser.axe_path()
    assert axe is not None
    context = await chromium.new_context(bypass_csp=True)  # to inject axe-core
    page = await context.new_page()
    found = {}
    for path in (
        "/",
        "/s/learners/",
        "/s/learners/concepts",
        "/s/learners/concepts/memo-table",
        f"/s/learners/challenges/{ids['challenge']}",
        "/s/learners/takeaways",
        "/s/learners/digests",
        "/s/learners/search?q=cache",
        "/s/nowhere/",
    ):
        await page.goto(base + path)
        await page.add_script_tag(path=str(axe))
        result = await page.evaluate(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})"
        )
        assert result["passes"], path  # axe ran and checked something
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in SERIOUS
        ]
        if bad:
            found[path] = bad
    assert found == {}
    await context.close()
