"""Members' Markdown as safe HTML: markdown-it-py renders, nh3 sanitises.

Why these two (docs): markdown-it-py is the maintained CommonMark-compliant parser of the
Python ecosystem (the executable books project; used by MyST and Jupyter Book), with raw
HTML switched off by an option and link validation (`javascript:`, `vbscript:`, `file:`
and most `data:` URLs are refused) built in. nh3 binds ammonia, the Rust sanitiser built
on html5ever's spec-compliant parser; it replaced the deprecated bleach as the maintained
allow-list sanitiser. The output of the first is never trusted: the second keeps only the
tags, attributes and URL schemes listed here, whatever the renderer emitted.
"""

from __future__ import annotations

from types import MappingProxyType

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

TEXT_MAX = 40_000  # longer entries are cut (bodies are bounded far below this)
HEADING_SHIFT = 2  # a member's "# Title" is an <h3> inside the page's own <h1>/<h2>
TAGS = frozenset(
    {
        "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
        "a", "h3", "h4", "h5", "h6", "del", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ATTRIBUTES = MappingProxyType({"a": {"href", "title"}, "ol": {"start"}})
SCHEMES = frozenset({"http", "https", "mailto"})
REL = "nofollow noopener noreferrer ugc"


def _parser() -> MarkdownIt:
    # html=False: raw HTML in Markdown is shown as text; images become links (pages load
    # nothing from other sites: the Content-Security-Policy allows images from here only).
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough").disable("image")
    return md


def _shift_headings(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"


class MarkdownRenderer:
    """One parser per application (built on start, not at import)."""

    def __init__(self) -> None:
        self._md = _parser()

    def html(self, text: str | None) -> str:
        source = (text or "")[:TEXT_MAX]
        tokens = self._md.parse(source)
        _shift_headings(tokens)
        raw = self._md.renderer.render(tokens, self._md.options, {})
        return nh3.clean(
            raw,
            tags=set(TAGS),
            attributes={k: set(v) for k, v in ATTRIBUTES.items()},
            url_schemes=set(SCHEMES),
            link_rel=REL,
            strip_comments=True,
        )

    def __call__(self, text: str | None) -> Markup:
        # Markup: Jinja2 (autoescape on) would otherwise escape the sanitised HTML again.
        return Markup(self.html(text))  # noqa: S704 - sanitised by nh3 just above


def plain(text: str | None, limit: int = 160) -> str:
    """A one-line plain-text excerpt (for meta descriptions): escaped by the template."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address (a link a page may carry), else None."""
    text = (url or "").strip()
    scheme = text.split(":", 1)[0].casefold() if ":" in text else ""
    return text if scheme in ("http", "https") and len(text) <= 2000 else None
