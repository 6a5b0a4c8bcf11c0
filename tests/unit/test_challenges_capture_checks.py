"""The checks shared by "Save as challenge", "Save as solution" and the solution picker
(challenges.capture.message_to_save) and by the two ways a challenge gets a typed title
(titles.form_title)."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.errors import Invalid, NotAllowed
from bot.services import consent
from bot.services.challenges.capture import message_to_save
from bot.services.challenges.titles import form_title
from bot.services.entries import TITLE_MAX, MentionNames

G, AUTHOR, SAVER = 7001, 11, 22
INSTEAD = "Use /solution add to write the solution in words."


async def save(
    db: Database, content: str, *, author: int | None = AUTHOR, saver: int = SAVER
) -> str:
    return await message_to_save(
        db, G, content, instead=INSTEAD, author_id=author, author_name="Ada", saver_id=saver
    )


async def test_a_message_with_words_is_cleaned(db: Database) -> None:
    assert await save(db, "  It works\r\nnow  ") == "It works\nnow"


@pytest.mark.parametrize("content", ["", "   ", "** **", "||  ||", "<@123>", ":)"])
async def test_a_message_without_words_names_the_command_instead(
    db: Database, content: str
) -> None:
    with pytest.raises(Invalid, match="no text to save") as caught:
        await save(db, content)
    assert INSTEAD in str(caught.value)


async def test_an_author_who_opted_out_is_asked_first_and_the_text_before_that(
    db: Database,
) -> None:
    await consent.set_reuse_allowed(db, G, AUTHOR, False)
    with pytest.raises(NotAllowed, match="Ada asked that others don't save"):
        await save(db, "a fix")
    with pytest.raises(Invalid):  # no words: the text is checked first
        await save(db, "** **")
    assert await save(db, "my own fix", saver=AUTHOR) == "my own fix"  # their own message
    assert await save(db, "no author known", author=None) == "no author known"
    await consent.set_reuse_allowed(db, G, AUTHOR, True)
    assert await save(db, "a fix") == "a fix"


def test_form_title_checks_length_and_emptiness_and_names_mentions() -> None:
    names = MentionNames(users={5: "grace"})
    assert form_title("  Why   does <@5> see a 404? ", names) == "Why does @grace see a 404?"
    with pytest.raises(Invalid, match="The title can't be empty"):
        form_title("   ")
    with pytest.raises(Invalid, match="The title is too long"):
        form_title("x" * (TITLE_MAX + 1))
