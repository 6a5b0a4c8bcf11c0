"""What counts as words in a captured message, and mention markup in plain-text places."""

from __future__ import annotations

import pytest

from bot.errors import Invalid
from bot.services.entries import capture_text, has_words


@pytest.mark.parametrize(
    "text",
    ["ok", "||it was the cache||", "https://docs.djangoproject.com", "<@12> thanks!", "42", "é"],
)
def test_words(text: str) -> None:
    assert has_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "||",
        "** **",
        "\U0001f389\U0001f389",
        "<a:party:123>",
        "<@12> <#34> <@&56>",
        "_ _",
        "<t:1700000000:R>",
    ],
)
def test_no_words(text: str) -> None:
    assert not has_words(text)
    with pytest.raises(Invalid, match="no text to save"):
        capture_text(text, "Use /challenge share.")
