"""Payloads that break Discord's documented limits or schema are refused with 400/50035."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import pytest

from bot.simulator import MentionPolicy, Simulator, ViolationError, World
from bot.simulator.limits import check_request
from bot.simulator.spec import SpecValidator, default_spec_path
from bot.simulator.testing import running

from .conftest import Env
from .plain_bot import PlainBot

SPEC_PRESENT = SpecValidator().available


async def test_content_over_2000_is_refused(env: Env) -> None:
    env.expect_violations = True
    reply = await env.sim.command(env.alice, "say", {"text": "x" * 2001})
    assert reply.content == "failed: HTTPException 400 50035"
    [violation] = env.sim.violations
    assert violation.method == "POST" and violation.path == f"/channels/{env.general.id}/messages"
    assert "content" in violation.reason and "2000" in violation.reason
    assert env.sim.requests[-2].status == 400
    assert all(len(m.content) <= 2000 for m in env.sim.messages_in(env.general))


async def test_embed_over_6000_in_total_is_refused(env: Env) -> None:
    env.expect_violations = True
    with pytest.raises(ViolationError, match="6000"):
        await env.sim.command(env.alice, "bigembed", timeout=2)
    assert "embeds" in env.sim.violations[0].reason


async def test_26_autocomplete_choices_are_refused(env: Env) -> None:
    env.expect_violations = True
    with pytest.raises(ViolationError, match="choices"):
        await env.sim.autocomplete(env.alice, "concept", {"name": "many"}, focused="name")
    assert env.sim.violations[0].path.endswith("/callback")


async def test_parse_everyone_is_refused_unless_the_test_opts_in(env: Env) -> None:
    env.expect_violations = True
    reply = await env.sim.command(env.alice, "say", {"text": "@everyone hi", "everyone": True})
    assert reply.content == "failed: HTTPException 400 50035"
    assert "allowed_mentions.parse" in env.sim.violations[0].reason
    env.sim.violations.clear()
    env.sim.mention_policy.allowed_parse.add("everyone")
    reply = await env.sim.command(env.alice, "say", {"text": "@everyone hi", "everyone": True})
    assert reply.content == "said" and not env.sim.violations
    assert env.sim.messages_in(env.general)[-1].mention_everyone


async def test_a_bot_without_allowed_mentions_default_fails() -> None:
    world = World()
    g = world.create_guild("Pingy")
    alice = g.add_member("alice")
    async with running(PlainBot(allowed_mentions=None), world=world) as sim:
        with pytest.raises(ViolationError, match="allowed_mentions is missing"):
            await sim.command(alice, "concept", {"name": f"<@{alice.id}>"}, timeout=2)
        assert not any(m.pings for m in sim.bot_messages)


@pytest.mark.skipif(
    not SPEC_PRESENT,
    reason=f"Discord OpenAPI spec absent at {default_spec_path()} "
    "(set NEXUS_DISCORD_SPEC): schema checks cannot run",
)
async def test_schema_check_runs_when_the_spec_is_present(simulator: Simulator) -> None:
    g = simulator.world.create_guild("Schema")
    url = f"{simulator.rest_url}/channels/{g.general.id}/threads"
    headers = {"Authorization": f"Bot {simulator.token}"}
    async with aiohttp.ClientSession() as http:
        # Only the schema knows a thread name is at most 100 characters.
        async with http.post(url, json={"name": "t" * 101, "type": 11}, headers=headers) as resp:
            assert resp.status == 400 and resp.headers["Content-Type"] == "application/json"
            body = await resp.json()
        async with http.post(url, json={"name": "fine", "type": 11}, headers=headers) as ok:
            assert ok.status == 201
    assert body["code"] == 50035 and "name" in body["errors"]
    assert simulator.violations[0].reason.startswith("name: Must be 100 or fewer")
    # discord.py sends some snowflakes as ints: accepted.
    assert not simulator.spec or not simulator.spec.validate(
        "POST",
        "/channels/1/messages",
        {
            "content": "x",
            "allowed_mentions": {"parse": [], "users": [123]},
            "attachments": [{"id": 0, "filename": "a.txt"}],
        },
    )


async def test_without_the_spec_limits_are_still_checked(caplog: pytest.LogCaptureFixture) -> None:
    import bot.simulator.spec as spec_module

    spec_module._load.cache_clear()  # the missing file is warned about once per process
    with caplog.at_level(logging.WARNING, logger="bot.simulator.spec"):
        sims = [Simulator(spec_path="/nonexistent/openapi.json") for _ in range(2)]
    warnings = [r for r in caplog.records if "spec not found" in r.getMessage()]
    assert len(warnings) == 1
    sim = sims[0]
    assert sim.spec is not None and not sim.spec.available
    errors = sim.validate(
        "POST", "/channels/1/messages", {"content": "x" * 2001, "allowed_mentions": {"parse": []}}
    )
    assert [e.path for e in errors] == [("content",)]


def _errors(method: str, path: str, body: Any) -> list[str]:
    return [e.describe() for e in check_request(method, path, body, MentionPolicy())]


def test_component_and_embed_limits() -> None:
    am: dict[str, list[str]] = {"parse": []}
    button = {"type": 2, "style": 1, "custom_id": "c" * 101, "label": "l" * 81}
    rows = [
        {"type": 1, "components": [dict(button, custom_id=f"b{r}{i}") for i in range(6)]}
        for r in range(6)
    ]
    errs = _errors("POST", "/channels/1/messages", {"components": rows, "allowed_mentions": am})
    assert "components: Must be 5 or fewer in length." in errs
    assert "components.0.components: Must be 5 or fewer in length." in errs
    assert "components.0.components.0.label: Must be 80 or fewer in length." in errs
    one = {"components": [{"type": 1, "components": [button]}], "allowed_mentions": am}
    assert "components.0.components.0.custom_id: Must be 100 or fewer in length." in _errors(
        "PATCH", "/webhooks/1/tok/messages/@original", one
    )
    select = {
        "type": 3,
        "custom_id": "s",
        "options": [{"label": "o", "value": str(i)} for i in range(26)],
    }
    body = {
        "type": 4,
        "data": {"components": [{"type": 1, "components": [select]}], "allowed_mentions": am},
    }
    assert any("options" in e for e in _errors("POST", "/interactions/1/t/callback", body))
    embed = {
        "title": "t" * 257,
        "description": "d" * 4097,
        "fields": [{"name": "n", "value": "v" * 1025}] * 26,
        "footer": {"text": "f" * 2049},
        "author": {"name": "a" * 257},
    }
    errs = _errors("POST", "/webhooks/1/tok", {"embeds": [embed] * 11, "allowed_mentions": am})
    for needle in (
        "embeds: Must be 10",
        "title: Must be 256",
        "description: Must be 4096",
        "fields: Must be 25",
        "value: Must be 1024",
        "footer.text: Must be 2048",
        "author.name: Must be 256",
        "maximum size of 6000",
    ):
        assert any(needle in e for e in errs), needle


def test_modal_and_choice_limits() -> None:
    modal = {
        "type": 9,
        "data": {
            "custom_id": "m",
            "title": "T" * 46,
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 4,
                            "custom_id": "a",
                            "label": "L" * 46,
                            "style": 1,
                            "max_length": 4001,
                            "value": "v" * 4001,
                        }
                    ],
                }
            ],
        },
    }
    errs = _errors("POST", "/interactions/1/t/callback", modal)
    assert any("title: Must be 45" in e for e in errs)
    assert any("label: Must be 45" in e for e in errs)
    assert any("max_length" in e for e in errs) and any("value: Must be 4000" in e for e in errs)
    choices = {"type": 8, "data": {"choices": [{"name": "", "value": "v" * 101}]}}
    errs = _errors("POST", "/interactions/1/t/callback", choices)
    assert any("name: Must be 1 or more" in e for e in errs)
    assert any("value: Must be 100" in e for e in errs)


def test_edits_without_content_need_no_allowed_mentions() -> None:
    assert _errors("PATCH", "/channels/1/messages/2", {"components": []}) == []
    assert _errors("PATCH", "/channels/1/messages/2", {"content": "x"})[0].startswith(
        "allowed_mentions: allowed_mentions is missing"
    )
    assert (
        _errors(
            "POST",
            "/channels/1/messages",
            {"content": "hi", "allowed_mentions": {"parse": [], "users": ["1"]}},
        )
        == []
    )


@pytest.mark.skipif(
    not SPEC_PRESENT,
    reason=f"Discord OpenAPI spec absent at {default_spec_path()} "
    "(set NEXUS_DISCORD_SPEC): schema checks cannot run",
)
async def test_what_the_simulator_sends_has_discords_shape() -> None:
    """Attachments, roles and role member counts the simulator hands out match the spec."""
    spec = SpecValidator()
    world = World()
    g = world.create_guild("Shapes")
    helper = g.add_bot("HelperBot")
    role = g.edit_role(g.roles[helper.roles[0]], permissions=["MANAGE_ROLES"], name="Helper")
    attachment = world.attachment("trace.png")
    assert spec.validate_object("components/schemas/AttachmentResponse", attachment) == []
    assert spec.validate_object("components/schemas/GuildRoleResponse", role.to_dict()) == []
    counts = {str(r): n for r, n in g.role_member_counts().items()}
    path = f"/guilds/{g.id}/roles/member-counts"
    assert spec.validate_response("GET", path, counts) == []
    assert spec.validate_response("GET", path, {"1": "many"})  # the check is not blind
