"""What counts as words in a captured message, and mention markup in plain-text places."""

from __future__ import annotations

import pytest

from bot.errors import Invalid
from bot.services.challenges.titles import derive_title, typed_title
from bot.services.entries import MentionNames, capture_text, has_words, plain_mentions


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


def test_plain_mentions_names_and_placeholders() -> None:
    names = MentionNames(users={1: "Ada"}, roles={2: "Mods"}, channels={3: "general"})
    text = "<@1> <@!1> <@&2> <#3> <@9> <@&9> <#9> <:blob:55> </pair join:77> <t:0:R>"
    assert plain_mentions(text, names) == (
        "@Ada @Ada @Mods #general @member @role #channel :blob: /pair join 1970-01-01 00:00 UTC"
    )
    assert plain_mentions("no markup <3 and a < b > c") == "no markup <3 and a < b > c"
    assert plain_mentions("<t:9999999999999:R>") == "a date"


def test_derived_and_typed_titles_use_names() -> None:
    names = MentionNames(users={1: "Ada"})
    assert derive_title("## <@1> broke the build\nlog", names) == "@Ada broke the build"
    assert typed_title("Ask   <@1>\nabout <#5>", names) == "Ask @Ada about #channel"
