"""The playground's line language: every form, quoting, and helpful errors for bad input."""

from __future__ import annotations

import io
import json

import pytest

from bot.playground.events import Event
from bot.playground.lexer import ParseError, tokenize
from bot.playground.lines import (
    Channels,
    Click,
    Complete,
    Help,
    History,
    Line,
    Members,
    Menu,
    ModalFill,
    Option,
    Quit,
    Say,
    Select,
    Slash,
)
from bot.playground.parser import parse_line
from bot.playground.render import Renderer


def action(text: str) -> object:
    return parse_line(text).action


@pytest.mark.parametrize("text", ["", "   ", "# a comment", "#comment", "  # indented"])
def test_blank_and_comment_lines(text: str) -> None:
    assert parse_line(text).is_blank


def test_slash_command_with_options_and_quotes() -> None:
    assert action("/concept name:caching") == Slash(("concept",), (Option("name", "caching"),))
    assert action("/concept lookup name:\"two words\" tags='a b'") == Slash(
        ("concept", "lookup"),
        (Option("name", "two words", True), Option("tags", "a b", True)),
    )
    assert action("/setup") == Slash(("setup",))
    assert action("/Nexus About") == Slash(("nexus", "about"))


def test_an_unquoted_value_runs_to_the_next_option_as_in_discords_box() -> None:
    assert action("/concept lookup name:useEffect cleanup") == Slash(
        ("concept", "lookup"), (Option("name", "useEffect cleanup"),)
    )
    assert action("/concept search query:why does my page show old data page:2") == Slash(
        ("concept", "search"),
        (Option("query", "why does my page show old data"), Option("page", "2")),
    )
    assert action("complete /concept lookup name:use eff") == Complete(
        ("concept", "lookup"), (Option("name", "use eff"),), "name"
    )


def test_option_values_keep_colons_apostrophes_and_escaped_quotes() -> None:
    got = action('/x url:https://a.b/c?d=1 note:it\'s title:"say \\"hi\\""')
    assert got == Slash(
        ("x",),
        (
            Option("url", "https://a.b/c?d=1"),
            Option("note", "it's"),
            Option("title", 'say "hi"', True),
        ),
    )


def test_empty_option_value_and_mentions_are_kept_for_resolution() -> None:
    got = action("/pair round member:@bob channel:#pairing role:@&Moderator note:")
    assert isinstance(got, Slash)
    assert [o.value for o in got.options] == ["@bob", "#pairing", "@&Moderator", ""]


def test_trailing_comment_after_a_command() -> None:
    assert action("/setup   # look at the settings") == Slash(("setup",))
    assert action('/concept name:"# not a comment"') == Slash(
        ("concept",), (Option("name", "# not a comment", True),)
    )


def test_actor_and_channel_prefixes() -> None:
    assert parse_line("as mod /setup") == Line(Slash(("setup",)), actor="mod")
    assert parse_line("as @bob in #pairing /pair join") == Line(
        Slash(("pair", "join")), actor="bob", channel="pairing"
    )
    assert parse_line("in pairing as carol say hi") == Line(Say("hi"), "carol", "pairing")
    assert parse_line("as bob") == Line(None, actor="bob")
    assert parse_line("in #pairing") == Line(None, channel="pairing")
    assert parse_line('as "Moe Moderator"') == Line(None, actor="Moe Moderator")


def test_say_takes_the_rest_literally() -> None:
    assert action("say I am stuck on CORS # really") == Say("I am stuck on CORS # really")
    assert action('say it\'s "fine" key:value') == Say('it\'s "fine" key:value')


def test_click_select_by_position_or_label() -> None:
    assert action("click 2") == Click(2)
    assert action('click "Next"') == Click("Next")
    assert action("click Next") == Click("Next")
    assert action('click "2"') == Click("2")
    assert action("select 1") == Select((1,))
    assert action('select "react" vue 3') == Select(("react", "vue", 3))
    assert action("select 2 from 2") == Select((2,), menu=2)
    assert action('select "from" 1') == Select(("from", 1))


def test_modal_fields() -> None:
    assert action('modal title="Slow query" body="It\'s slow" tags:sql') == ModalFill(
        (
            Option("title", "Slow query", True),
            Option("body", "It's slow", True),
            Option("tags", "sql"),
        )
    )
    assert action("modal") == ModalFill(())


def test_menu_targets() -> None:
    assert action('menu "Save as challenge" on last') == Menu("Save as challenge", "last")
    assert action('menu "Save as challenge"') == Menu("Save as challenge", "last")
    assert action("menu Save as challenge on 3") == Menu("Save as challenge", 3)
    assert action('menu "Pair with" on @bob') == Menu("Pair with", "@bob")


def test_complete_focuses_the_last_option() -> None:
    assert action("complete /concept lookup name:cach") == Complete(
        ("concept", "lookup"), (Option("name", "cach"),), "name"
    )
    assert action("complete /setup digest_day:Mon timezone:") == Complete(
        ("setup",), (Option("digest_day", "Mon"), Option("timezone", "")), "timezone"
    )


def test_meta_commands() -> None:
    assert action("help") == Help()
    assert action("help /setup") == Help("/setup")
    assert action("?") == Help()
    assert action("members") == Members()
    assert action("channels") == Channels()
    assert action("history") == History(10)
    assert action("history 3") == History(3)
    assert action("quit") == Quit() and action("exit") == Quit()


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("bogus", "unknown input"),
        ("concept name:caching", "slash commands start with /"),
        ("/", "needs a name"),
        ('/concept "caching"', "expected an option"),
        ('/concept name:"caching" extra', "expected an option"),
        ("/concept name:a name:b", "given twice"),
        ('/concept name:"unclosed', "unclosed"),
        ('/concept name:"a"b', "space after the closing quote"),
        ("click", "one button"),
        ("click 1 2", "one button"),
        ("click 0", "start at 1"),
        ("select", "needs option"),
        ("modal title", 'field="value"'),
        ("modal a=1 A=2", "given twice"),
        ("menu", "needs the command name"),
        ("menu on 3", "needs the command name"),
        ("menu X on somewhere", "on last"),
        ("say", "needs the message text"),
        ("complete", "complete /command"),
        ("complete /concept", "option being typed"),
        ("as", "needs a name"),
        ("as bob as carol /setup", "only once"),
        ("members now", "no arguments"),
        ("history many", "optional count"),
    ],
)
def test_bad_input_explains_itself(text: str, hint: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_line(text)
    assert hint in str(err.value)


def test_tokens_record_quoting() -> None:
    tokens = tokenize("a 'b c' k:v k2:\"v 2\" #")
    assert [(t.key, t.text, t.quoted) for t in tokens] == [
        (None, "a", False),
        (None, "b c", True),
        ("k", "v", False),
        ("k2", "v 2", True),
    ]


# ---- rendering (pure) ----------------------------------------------------------------


def _render(event: Event, *, as_json: bool = False) -> str:
    out = io.StringIO()
    Renderer(out, as_json=as_json).show([event])
    return out.getvalue()


REASONS = [{"label": "Outdated", "value": "outdated"}, {"label": "Wrong", "value": "wrong"}]
BUTTONS = [
    {
        "type": 1,
        "components": [
            {"type": 2, "style": 3, "label": "Accept", "custom_id": "nexus:solution:accept:1"},
            {
                "type": 2,
                "style": 2,
                "label": "This helped me",
                "custom_id": "nexus:solution:helped:1",
            },
            {"type": 2, "style": 5, "label": "Docs", "url": "https://example.org"},
        ],
    },
    {
        "type": 1,
        "components": [
            {"type": 3, "custom_id": "why", "placeholder": "Pick a reason", "options": REASONS},
        ],
    },
]


def test_rich_reply_shows_embed_buttons_selects_and_ephemeral() -> None:
    event = Event(
        "reply",
        "alice",
        "general",
        ephemeral=True,
        content="Saved [b]bold[/b]",
        embeds=[
            {
                "title": "Challenge #1",
                "description": "CORS fails",
                "fields": [{"name": "Status", "value": "open"}],
                "footer": {"text": "Challenge #1 · /challenge view"},
            }
        ],
        components=BUTTONS,
    )
    text = _render(event)
    assert "Nexus → alice" in text and "(only you can see this)" in text
    assert "Saved [b]bold[/b]" in text  # member text is never taken as rich markup
    for part in ("Challenge #1", "CORS fails", "Status", "open", "/challenge view"):
        assert part in text
    flat = text.replace("\u00a0", " ")
    assert "[1] Accept" in flat and "[2] This helped me" in flat and "[3] Docs ↗" in flat
    assert "select menu 1 (Pick a reason)" in text and "1) Outdated" in text


def test_rich_modal_autocomplete_error_and_channel_message() -> None:
    modal = Event(
        "modal",
        "alice",
        modal={
            "title": "Share a challenge",
            "custom_id": "m",
            "fields": [
                {
                    "custom_id": "title",
                    "label": "Title",
                    "style": "short",
                    "required": True,
                    "max_length": 150,
                    "value": None,
                }
            ],
        },
    )
    text = _render(modal)
    assert "Modal: Share a challenge" in text and "title" in text and 'modal title="..."' in text
    choices = _render(Event("autocomplete", "alice", choices=[{"name": "Caching", "value": 7}]))
    assert "1. Caching" in choices and "= 7" in choices
    assert "error: no such thing" in _render(Event("error", "alice", content="no such thing"))
    posted = _render(Event("channel_message", "mod", "digest", content="Weekly digest"))
    assert "Nexus in #digest" in posted and "Weekly digest" in posted
    dm = _render(Event("channel_message", None, "dm:bob", content="hello"))
    assert "Nexus → bob (direct message)" in dm


def test_json_line_has_the_documented_keys() -> None:
    event = Event(
        "reply",
        "alice",
        "general",
        ephemeral=True,
        content="hi",
        components=BUTTONS,
        message_id=42,
        line=3,
        input="/x",
    )
    [line] = _render(event, as_json=True).splitlines()
    data = json.loads(line)
    assert {"actor", "kind", "ephemeral", "content", "embeds", "components", "channel"} <= set(data)
    assert data["message_id"] == "42" and data["line"] == 3
    assert [b["label"] for b in data["buttons"]] == ["Accept", "This helped me", "Docs"]
    assert data["selects"][0]["options"][0]["value"] == "outdated"
