"""Fuzzing every entry point through the simulator with hostile text (Hypothesis).

Per example: no "something went wrong" reply, no ERROR log from nexus.*, every request the
bot sent passed Discord's schema and documented limits (sim.violations), no message pinged
anyone, and blank input got an ephemeral explanation with no row written.
The set of fuzzed string options is checked against the REGISTERED command tree: a new
string option that is not fuzzed here fails `test_every_string_option_is_fuzzed`.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.simulator.payloads import InvalidInput
from tests.e2e.challenges_helpers import share, share_takeaway
from tests.e2e.harness import Nexus
from tests.reliability.conftest import fuzz_settings
from tests.reliability.fuzzing import (
    Checker,
    explained_refusal,
    fields_for,
    hostile_text,
    ids_of,
    is_blank,
)
from tests.reliability.support import press, slash_leaves
from tests.unit import curation_factory as f

# (command, string option) -> (who runs it, the other options it needs)
ALICE, MOD, ADMIN = "alice", "mod", "admin"
PAIR = {"track": "frontend", "timezone": "Europe/Berlin", "availability": "weekdays 18-21"}
FUZZED: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("concept lookup", "name"): (ALICE, {}),
    ("concept search", "query"): (ALICE, {}),
    ("concept suggest", "name"): (ALICE, {}),
    ("challenge share", "concept1"): (ALICE, {}),
    ("challenge share", "concept2"): (ALICE, {}),
    ("challenge share", "concept3"): (ALICE, {}),
    ("challenge search", "query"): (ALICE, {}),
    ("challenge list", "concept"): (ALICE, {}),
    ("takeaway share", "text"): (ALICE, {"kind": "practice"}),
    ("takeaway share", "concept1"): (ALICE, {"kind": "lesson", "text": "Read the logs"}),
    ("takeaway share", "concept2"): (ALICE, {"kind": "lesson", "text": "Read the logs"}),
    ("takeaway share", "concept3"): (ALICE, {"kind": "lesson", "text": "Read the logs"}),
    ("pair join", "timezone"): (ALICE, {k: v for k, v in PAIR.items() if k != "timezone"}),
    ("pair join", "availability"): (ALICE, {k: v for k, v in PAIR.items() if k != "availability"}),
    ("pair join", "stack"): (ALICE, PAIR),
    ("pair join", "goals"): (ALICE, PAIR),
    ("pair profile", "timezone"): (ALICE, {}),
    ("pair profile", "availability"): (ALICE, {}),
    ("pair profile", "stack"): (ALICE, {}),
    ("pair profile", "goals"): (ALICE, {}),
    ("pair pause", "until"): (ALICE, {}),
    ("setup", "timezone"): (ADMIN, {}),
    ("setup", "web_address"): (ADMIN, {}),
    # Unknown ids: the reason is validated, then the entry is not found; nothing is written.
    ("curate hide", "reason"): (MOD, {"kind": "challenge", "id": 999_999}),
    ("curate merge", "reason"): (MOD, {"kind": "challenge", "source": 999_998, "target": 999_999}),
}
# Options whose blank value must be refused before anything is stored.
STORED_REQUIRED = {
    ("takeaway share", "text"),
    ("pair join", "availability"),
    ("pair join", "timezone"),
}


def _string_options(nexus: Nexus) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (leaf.path, o["name"]): o
        for leaf in slash_leaves(nexus)
        for o in leaf.options
        if o.get("type") == 3 and not o.get("choices")
    }


async def test_every_string_option_is_fuzzed_and_bounded(nexus: Nexus) -> None:
    options = _string_options(nexus)
    missing = sorted(set(options) - set(FUZZED))
    assert not missing, f"new string options not fuzzed (add them to FUZZED): {missing}"
    unbounded = sorted(k for k, o in options.items() if not o.get("max_length"))
    assert not unbounded, f"string options without max_length: {unbounded}"


async def test_past_the_limit_is_refused_by_the_declared_limits(nexus: Nexus) -> None:
    """Discord itself refuses over-long options; prove every limit is declared to it."""
    for (path, name), opt in _string_options(nexus).items():
        who, base = FUZZED[(path, name)]
        too_long = "y" * (int(opt["max_length"]) + 1)
        with pytest.raises(InvalidInput):
            await nexus.sim.command(
                getattr(nexus, who), path, {**base, name: too_long}, channel=nexus.general
            )


@given(data=st.data())
@fuzz_settings(quick=20, soak=300)
async def test_fuzz_slash_command_options(nexus: Nexus, data: st.DataObject) -> None:
    options = _string_options(nexus)
    key = data.draw(st.sampled_from(sorted(FUZZED)), label="option")
    path, name = key
    opt = options[key]
    value = data.draw(
        hostile_text(int(opt.get("min_length") or 1), int(opt["max_length"]), ids_of(nexus)),
        label="value",
    )
    who, base = FUZZED[key]
    check = Checker(nexus)
    before = await check.before()
    reply = await nexus.sim.command(
        getattr(nexus, who), path, {**base, name: value}, channel=nexus.general
    )
    if reply.deferred:
        await reply.wait_followups(1)
    after = await check.after(reply, f"/{path} {name}={value!r}")
    if key in STORED_REQUIRED and is_blank(value):
        assert explained_refusal(reply), reply
        assert after == before
    if explained_refusal(reply) and path not in ("pair leave",):
        assert after == before, (path, value, reply.content)


MODALS = [
    "challenge share",
    "concept suggest",
    "concept suggest (moderator)",
    "solution add",
    "curate edit challenge",
    "curate edit takeaway",
    "curate reject",
    "pair profile",
]


async def _open_modal(nexus: Nexus, which: str, state: dict[str, int]) -> Any:
    sim, g = nexus.sim, nexus.general
    if which == "challenge share":
        return await sim.command(nexus.alice, "challenge share", {}, channel=g)
    if which == "concept suggest":
        return await sim.command(nexus.alice, "concept suggest", {}, channel=g)
    if which == "concept suggest (moderator)":
        return await sim.command(nexus.mod, "concept suggest", {"name": "caching"}, channel=g)
    if which == "solution add":
        return await sim.command(
            nexus.carol, "solution add", {"challenge": state["challenge"]}, channel=g
        )
    if which == "curate edit challenge":
        return await sim.command(
            nexus.mod, "curate edit", {"kind": "challenge", "id": state["challenge"]}, channel=g
        )
    if which == "curate edit takeaway":
        return await sim.command(
            nexus.mod, "curate edit", {"kind": "takeaway", "id": state["takeaway"]}, channel=g
        )
    if which == "curate reject":
        pending = await f.takeaway(nexus.db, nexus.guild.id, status="pending", author=nexus.dave.id)
        return await press(
            nexus, nexus.mod, state["message"], f"nexus:curate:reject:takeaway:{pending}"
        )
    assert which == "pair profile"
    shown = await sim.command(nexus.erin, "pair profile", {}, channel=g)
    return await sim.click(nexus.erin, shown, index=1)


async def _modal_state(nexus: Nexus) -> dict[str, int]:
    made = await share(nexus, nexus.bob, "Docker build is slow", "Every build reinstalls deps")
    cid = int(made.embeds[0]["title"].split(" ", 1)[0].lstrip("#"))
    tk = await share_takeaway(nexus, nexus.bob, "Pin your dependencies")
    assert tk.message is not None
    tid = int(tk.embeds[0]["title"].rsplit("#", 1)[1])
    joined = await nexus.sim.command(
        nexus.erin, "pair join", {**PAIR, "track": "fullstack"}, channel=nexus.general
    )
    assert joined.embeds, joined
    return {"challenge": cid, "takeaway": tid, "message": tk.message.id}


@given(data=st.data())
@fuzz_settings(quick=20, soak=300)
async def test_fuzz_modal_fields(nexus: Nexus, data: st.DataObject) -> None:
    state = getattr(nexus, "_fuzz_state", None)
    if state is None:
        state = await _modal_state(nexus)
        nexus._fuzz_state = state  # type: ignore[attr-defined]
    which = data.draw(st.sampled_from(MODALS), label="modal")
    form = await _open_modal(nexus, which, state)
    assert form.modal is not None, (which, form.content)
    values = data.draw(fields_for(form.modal, ids_of(nexus)), label="fields")
    check = Checker(nexus)
    before = await check.before()
    submitter = {"solution add": nexus.carol, "pair profile": nexus.erin}.get(
        which, nexus.mod if which.startswith("curate") or "moderator" in which else nexus.alice
    )
    reply = await nexus.sim.submit_modal(submitter, form, values)
    after = await check.after(reply, f"{which} {values!r}")
    required_blank = any(is_blank(v) for k, v in values.items() if form.modal.field(k).required)
    if required_blank:
        assert reply.ephemeral, (which, values, reply.content)
    if explained_refusal(reply) and required_blank:
        assert after == before, (which, values, reply.content)


@given(data=st.data())
@fuzz_settings(quick=15, soak=200)
async def test_fuzz_context_menus(nexus: Nexus, data: st.DataObject) -> None:
    """Save as challenge / Save as solution on messages of up to 4000 characters."""
    if getattr(nexus, "_target", None) is None:
        made = await share(nexus, nexus.bob, "CORS blocks my fetch", "No Allow-Origin header")
        assert made.embeds
        nexus._target = made  # type: ignore[attr-defined]
    content = data.draw(hostile_text(0, 4000, ids_of(nexus)), label="content")
    menu = data.draw(st.sampled_from(["Save as challenge", "Save as solution"]), label="menu")
    check = Checker(nexus)
    said = await nexus.sim.say(nexus.dave, nexus.general, content)
    before = await check.before()
    reply = await nexus.sim.context_menu(nexus.carol, menu, message=said)
    if menu == "Save as solution" and reply.selects and reply.selects[0].options:
        reply = await nexus.sim.select(
            nexus.carol, reply, reply.selects[0].custom_id, [reply.selects[0].options[0]["value"]]
        )
    after = await check.after(reply, f"{menu} on {content!r}")
    if is_blank(content):
        assert reply.ephemeral and after == before, (menu, content, reply.content)


AUTOCOMPLETE_BASE: dict[str, dict[str, Any]] = {
    "curate edit": {"kind": "challenge"},
    "curate feature": {"kind": "takeaway"},
    "curate hide": {"kind": "concept"},
    "curate restore": {"kind": "solution"},
    "curate merge": {"kind": "concept"},
}


@given(data=st.data())
@fuzz_settings(quick=20, soak=300)
async def test_fuzz_autocomplete(nexus: Nexus, data: st.DataObject) -> None:
    """Every autocomplete option: at most 25 choices, names/values 1..100 (the simulator
    validates the callback), for any partial input."""
    focusable = sorted(
        {
            (leaf.path, o["name"])
            for leaf in slash_leaves(nexus)
            for o in leaf.options
            if o.get("autocomplete")
        }
    )
    assert focusable
    path, name = data.draw(st.sampled_from(focusable), label="option")
    current = data.draw(hostile_text(0, 100, ids_of(nexus)), label="current")
    who = data.draw(st.sampled_from([nexus.alice, nexus.mod]), label="who")
    check = Checker(nexus)
    await check.before()
    choices = await nexus.sim.autocomplete(
        who,
        path,
        {**AUTOCOMPLETE_BASE.get(path, {}), name: current},
        focused=name,
        channel=nexus.general,
    )
    await check.after(None, f"/{path} {name} autocomplete {current!r}")
    assert len(choices) <= 25
    for c in choices:
        assert 1 <= len(c["name"]) <= 100 and 1 <= len(str(c["value"])) <= 100, c
