"""Hostile entries render harmlessly: no markup of theirs becomes live HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.db import Database
from bot.web.markdown import MarkdownRenderer, web_url
from tests.web.conftest import MakeClient
from tests.web.support import challenge, concept, open_hub, solution, takeaway

HOSTILE = (
    "<script>alert('x')</script>\n\n"
    "<img src=x onerror=alert(1)> <iframe src=//evil.example></iframe>\n\n"
    "[click](javascript:alert(1)) [again](JaVaScRiPt:alert(2)) [data](data:text/html,hi)\n\n"
    '<a href="javascript:alert(3)">raw link</a> <style>body{display:none}</style>\n\n'
    "![pixel](https://evil.example/track.png)\n\n"
    '"><svg onload=alert(4)>'
)
DANGEROUS_TAGS = frozenset({"script", "iframe", "img", "svg", "style", "object", "embed", "form"})


class _Elements(HTMLParser):
    """What a browser would build: every element and attribute, parsed."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def live_parts(html: str) -> list[str]:
    """Elements or attributes in `html` that could run or load something."""
    parser = _Elements()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in DANGEROUS_TAGS:
            bad.append(tag)
        for name, value in attrs:
            scheme = (value or "").strip().split(":", 1)[0].lower()
            if name.startswith("on") or (
                name in ("href", "src")
                and ":" in (value or "")
                and scheme not in ("http", "https", "mailto")
            ):
                bad.append(f"{tag} {name}={value}")
    return bad


def test_the_renderer_keeps_nothing_live() -> None:
    assert live_parts('<img src=x onerror=alert(1)><a href="javascript:x">') != []  # the check
    out = MarkdownRenderer().html(HOSTILE)
    assert live_parts(out) == [], out
    assert "&lt;script&gt;" in out  # shown as text, not dropped silently
    assert 'href="https://evil.example/track.png"' in out  # an image is only a link
    assert 'rel="nofollow noopener noreferrer ugc"' in out
    assert web_url("javascript:alert(1)") is None and web_url(" https://ok.example ") is not None


async def test_hostile_entries_render_harmlessly_on_every_page(
    db: Database, hub_client: MakeClient
) -> None:
    await open_hub(db)
    cid = await challenge(db, "<script>alert(1)</script>", problem=HOSTILE, solved=True)
    await solution(db, cid, HOSTILE, accepted=True)
    await takeaway(db, HOSTILE, votes=5)
    await concept(db, "Evil", body=HOSTILE, frontend=HOSTILE, backend=HOSTILE)
    long_word = "A" * 30_000
    long_id = await challenge(db, "Long", problem=long_word + "\n\n" + "word " * 20_000)
    client = await hub_client()
    for path in (
        "/s/learners/",
        f"/s/learners/challenges/{cid}",
        "/s/learners/takeaways",
        "/s/learners/concepts/evil",
        "/s/learners/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
        f"/s/learners/challenges/{long_id}",
    ):
        resp = await client.get(path)
        body = await resp.text()
        assert resp.status == 200, path
        main = body[body.index("<main") : body.index("</main>")]
        assert live_parts(main) == [], path
        assert "<script" not in body
    body = await (await client.get(f"/s/learners/challenges/{long_id}")).text()
    assert len(body) < 200_000  # very long text is cut, not served whole
