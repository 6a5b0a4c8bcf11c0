"""Rendering stays within Discord's limits however large the week, and never pings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.digest.model import (
    Counted,
    Digest,
    DigestItem,
    Helper,
    OpenChallenge,
    PairingSummary,
    SolvedChallenge,
    TrackGroup,
)
from bot.ui.render import EMBED_TOTAL_MAX, EMBEDS_PER_MESSAGE, embed_size
from cogs.digest.render import MessagePart, render_digest

END = datetime(2024, 5, 20, 17, tzinfo=UTC)
LONG = "@everyone " + "x" * 5000


def _big() -> Digest:
    item = DigestItem("takeaway", 1, LONG, "n" * 150, 9, "https://discord.com/channels/1/2/3")
    return Digest(
        1,
        "2024-05-20",
        END - timedelta(days=7),
        END,
        featured=(item,) * 5,
        top_takeaways=(item,) * 5,
        solved=(SolvedChallenge(1, LONG, "a", None, LONG, "b", None),) * 5,
        open_by_track=tuple(
            TrackGroup(t, (OpenChallenge(1, LONG, "a", None),) * 3)
            for t in ("frontend", "backend", "fullstack", None)
        ),
        open_total=40,
        looked_up=(Counted(LONG[:100], 9),) * 5,
        missed=(Counted("`drop`" * 20, 3),) * 5,
        new_concepts=(item,) * 5,
        new_concepts_total=9,
        pairing=PairingSummary(4, 3, (item,) * 2, 4),
        helpers=(Helper("@everyone " + "h" * 90, 2, 3, 4),) * 5,
    )


def test_big_week_is_split_within_limits() -> None:
    parts = render_digest(_big(), ZoneInfo("Asia/Kolkata"), quiet_note=True)
    assert len(parts) >= 1
    for part in parts:
        assert part.content is None and 1 <= len(part.embeds) <= EMBEDS_PER_MESSAGE
        assert sum(embed_size(e) for e in part.embeds) <= EMBED_TOTAL_MAX
        for e in part.embeds:
            assert len(e.title or "") <= 256 and len(e.description or "") <= 4096
    text = "\n".join(e.description or "" for p in parts for e in p.embeds)
    assert "@everyone" in text  # shown as written; embeds never ping
    assert "…and 28 more" in text and "3 of 4 pair(s) met (75%)" in text


def test_quiet_week() -> None:
    empty = Digest(1, "2024-05-20", END - timedelta(days=7), END)
    (note,) = render_digest(empty, ZoneInfo("UTC"), quiet_note=True)
    assert note.content and "quiet week" in note.content.lower() and len(note.content) <= 2000
    assert render_digest(empty, ZoneInfo("UTC"), quiet_note=False) == []


def test_after_a_manual_digest_only_news_is_posted() -> None:
    since = END - timedelta(days=2)
    open_only = Digest(
        1,
        "2024-05-20",
        since,
        END,
        open_by_track=(TrackGroup(None, (OpenChallenge(1, "Still open", "a", None),)),),
        open_total=1,
        since_digest=since,
    )
    assert render_digest(open_only, ZoneInfo("UTC"), quiet_note=True) == []
    (shown,) = render_digest(open_only, ZoneInfo("UTC"), quiet_note=True, preview=True)
    assert shown.content and "Nothing new since the last digest" in shown.content
    item = DigestItem("takeaway", 7, "Pin your dependencies", "ann")
    news = Digest(1, "2024-05-20", since, END, top_takeaways=(item,), since_digest=since)
    (part,) = render_digest(news, ZoneInfo("UTC"), quiet_note=True)
    assert "since the last digest (Sat 18 May 17:00 (UTC))" in (part.embeds[0].description or "")


def _text(parts: list[MessagePart]) -> str:
    return "\n".join(
        "\n".join([e.title or "", e.description or "", e.footer.text or ""])
        for p in parts
        for e in p.embeds
    )


def test_entries_show_their_ids_and_jump_links() -> None:
    url = "https://discord.com/channels/1/2/"
    d = Digest(
        1,
        "2024-05-20",
        END - timedelta(days=7),
        END,
        featured=(DigestItem("challenge", 40, "Featured one", "ann", url=url + "40"),),
        top_takeaways=(DigestItem("takeaway", 12, "Use EXPLAIN", "ann", 4),),
        solved=(
            SolvedChallenge(
                34, "CORS", "bob", url + "34", "Send the header", "cat", url + "56", 56
            ),
        ),
        open_by_track=(TrackGroup(None, (OpenChallenge(35, "Flexbox", "dan", url + "35"),)),),
        open_total=1,
        new_concepts=(DigestItem("concept", 7, "Outbox: a pattern", "eve"),),
        new_concepts_total=1,
    )
    text = _text(render_digest(d, ZoneInfo("UTC"), quiet_note=True))
    assert "Challenge #40 [Featured one](https://discord.com/channels/1/2/40)" in text
    assert "#12 Use EXPLAIN — ann (▲ 4)" in text
    assert "#34 [CORS](https://discord.com/channels/1/2/34) — bob" in text
    assert "[solution #56](https://discord.com/channels/1/2/56)" in text
    assert "#35 [Flexbox](https://discord.com/channels/1/2/35)" in text
    assert "#7 Outbox: a pattern" in text
    assert "/takeaway view" in text and "/challenge view" in text  # how to open one by number


def test_pairing_outcomes_only_when_check_ins_were_due() -> None:
    formed = Digest(1, "k", END - timedelta(days=7), END, pairing=PairingSummary(3, 0, (), 0))
    text = _text(render_digest(formed, ZoneInfo("UTC"), quiet_note=True))
    assert "3 pair(s) formed" in text and "met" not in text and "%" not in text
    asked = Digest(1, "k", END - timedelta(days=7), END, pairing=PairingSummary(0, 1, (), 4))
    text = _text(render_digest(asked, ZoneInfo("UTC"), quiet_note=True))
    assert "1 of 4 pair(s) met (25%)" in text and "formed" not in text
    assert Digest(1, "k", END, END, pairing=PairingSummary(0, 0, (), 0)).is_empty
