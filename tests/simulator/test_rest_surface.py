"""The REST surface beyond the interaction round trip: files, threads, DMs, history, commands."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bot.simulator import Simulator
from bot.simulator.payloads import InvalidInput

from .conftest import Env


async def _call(sim: Simulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {sim.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.request(method, sim.rest_url + path, json=body, headers=headers) as resp:
            assert resp.status == 204 or resp.headers["Content-Type"] == "application/json"
            return resp.status, (await resp.json() if resp.status != 204 else None)


async def test_files_go_multipart_with_payload_json(env: Env) -> None:
    reply = await env.sim.command(env.alice, "upload")
    assert reply.content == "here"
    assert reply.message is not None
    assert [a["filename"] for a in reply.message.raw["attachments"]] == ["notes.txt"]
    later = await env.sim.wait_for_message(lambda m: m.content == "and here", include_sent=True)
    assert [a["filename"] for a in later.raw["attachments"]] == ["more.txt"]
    uploads = [r for r in env.sim.requests if r.files]
    assert len(uploads) == 2 and all(r.json for r in uploads)


async def test_thread_from_message(env: Env) -> None:
    msg = await env.sim.say(env.alice, env.general, "what about monads?")
    reply = await env.sim.command(env.alice, "discuss", {"message_id": str(msg.id)})
    [thread] = env.sim.threads(env.guild)
    assert thread.id == msg.id and thread.type == 11 and reply.content == f"thread {thread.id}"
    assert [m.content for m in env.sim.messages_in(thread)] == ["let's talk"]
    status, members = await _call(env.sim, "GET", f"/channels/{thread.id}/thread-members")
    assert status == 200 and [m["user_id"] for m in members] == [str(env.world.bot_user.id)]
    again = f"/channels/{env.general.id}/messages/{msg.id}/threads"
    status, body = await _call(env.sim, "POST", again, {"name": "again"})
    assert status == 400 and body["code"] == 160004
    status, _ = await _call(env.sim, "PUT", f"/channels/{thread.id}/thread-members/{env.bob.id}")
    assert status == 204 and env.bob.id in thread.thread_members


async def test_user_select(env: Env) -> None:
    reply = await env.sim.command(env.alice, "who")
    chosen = await env.sim.select(env.alice, reply, "who", [env.bob, env.alice])
    assert chosen.content == "chose Alice,bob"


async def test_closed_dms_are_forbidden_50007(env: Env) -> None:
    env.alice.user.dms_open = False
    reply = await env.sim.command(env.alice, "dm")
    assert reply.content == "cannot DM: 50007" and env.sim.dms_to(env.alice) == []


async def test_history_pagination(env: Env) -> None:
    sent = [await env.sim.say(env.alice, env.pairing, f"m{i}") for i in range(6)]
    ch = f"/channels/{env.pairing.id}/messages"
    _, newest = await _call(env.sim, "GET", f"{ch}?limit=2")
    assert [m["content"] for m in newest] == ["m5", "m4"]
    _, before = await _call(env.sim, "GET", f"{ch}?limit=2&before={sent[4].id}")
    assert [m["content"] for m in before] == ["m3", "m2"]
    _, after = await _call(env.sim, "GET", f"{ch}?limit=2&after={sent[1].id}")
    assert [m["content"] for m in after] == ["m3", "m2"]
    status, one = await _call(env.sim, "GET", f"{ch}/{sent[0].id}")
    assert status == 200 and one["content"] == "m0"
    status, gone = await _call(env.sim, "DELETE", f"{ch}/{sent[0].id}")
    assert status == 204 and len(env.sim.messages_in(env.pairing)) == 5
    status, body = await _call(
        env.sim, "PATCH", f"{ch}/{sent[1].id}", {"content": "x", "allowed_mentions": {"parse": []}}
    )
    assert status == 403 and body["code"] == 50005


async def test_single_command_endpoints(env: Env) -> None:
    app = env.world.app_id
    base = f"/applications/{app}/guilds/{env.guild.id}/commands"
    status, cmd = await _call(env.sim, "POST", base, {"name": "extra", "description": "An extra"})
    assert status == 201 and cmd["guild_id"] == str(env.guild.id) and cmd["version"]
    status, patched = await _call(env.sim, "PATCH", f"{base}/{cmd['id']}", {"description": "New"})
    assert status == 200 and patched["description"] == "New" and patched["id"] == cmd["id"]
    status, listed = await _call(env.sim, "GET", base)
    assert [c["name"] for c in listed] == ["extra"]
    status, _ = await _call(env.sim, "DELETE", f"{base}/{cmd['id']}")
    assert status == 204 and env.world.guild_commands[env.guild.id] == {}
    _, global_cmds = await _call(env.sim, "GET", f"/applications/{app}/commands")
    menu = next(c for c in global_cmds if c["name"] == "Save as challenge")
    assert menu["description"] == "" and menu["type"] == 3 and menu["application_id"] == str(app)


async def test_guild_reads_and_unknown_routes(env: Env) -> None:
    status, guild = await _call(env.sim, "GET", f"/guilds/{env.guild.id}?with_counts=true")
    assert status == 200 and guild["approximate_member_count"] == len(env.guild.members)
    _, member = await _call(env.sim, "GET", f"/guilds/{env.guild.id}/members/{env.alice.id}")
    assert member["user"]["username"] == "alice"
    _, roles = await _call(env.sim, "GET", f"/guilds/{env.guild.id}/roles")
    assert roles[0]["id"] == str(env.guild.id)
    _, channels = await _call(env.sim, "GET", f"/guilds/{env.guild.id}/channels")
    assert {c["name"] for c in channels} == {"general", "pairing"}
    status, body = await _call(env.sim, "GET", "/voice/regions")
    assert status == 404 and "no GET" in body["message"]
    method, path, json = env.sim.requests[-1]
    assert (method, path, json) == ("GET", "/voice/regions", None)


async def test_permissions_in_interactions(env: Env) -> None:
    owner = env.guild.members[env.guild.owner_id]
    for member, expected in ((env.mod, True), (env.alice, False), (owner, True)):
        reply = await env.sim.command(
            member,
            "info",
            {
                "user": env.alice,
                "role": env.mod_role,
                "channel": env.general,
                "count": 1,
                "ratio": 1.0,
                "flag": True,
            },
        )
        assert reply.content.endswith(f"|{expected}"), member.name
    env.guild.set_overwrite(env.general, env.mod_role, deny=["MANAGE_MESSAGES"])
    record_reply = await env.sim.command(env.mod, "concept", {"name": "perm"})
    payload = env.sim.registry.by_id[record_reply.interaction_id].payload
    perms = int(payload["member"]["permissions"])
    assert not perms & (1 << 13) and int(payload["app_permissions"]) & (1 << 11)


async def test_role_member_counts_need_manage_roles(env: Env) -> None:
    path = f"/guilds/{env.guild.id}/roles/member-counts"
    status, body = await _call(env.sim, "GET", path)
    assert status == 403 and body["code"] == 50013
    env.guild.edit_role(env.guild.bot_role, permissions=["MANAGE_ROLES"])
    env.guild.add_roles(env.alice, env.mod_role)
    status, counts = await _call(env.sim, "GET", path)
    assert status == 200 and str(env.guild.id) not in counts  # never @everyone
    assert counts[str(env.mod_role.id)] == 2 and counts[str(env.guild.bot_role.id)] == 1
    guild = env.bot.get_guild(env.guild.id)
    assert guild is not None
    await env.sim.gateway.wait_until(lambda: guild.me.guild_permissions.manage_roles, 2)


async def test_other_bots_and_attachments(env: Env) -> None:
    helper = env.guild.add_bot("HelperBot")
    assert helper.user.bot and env.guild.roles[helper.roles[0]].managed
    said = await env.sim.say(helper, env.general, "", attachments=["trace.png"])
    [att] = said.raw["attachments"]
    assert att["filename"] == "trace.png" and att["content_type"] == "image/png"
    assert said.raw["author"]["bot"] is True and said.content == ""
    env.guild.set_overwrite(env.general, env.alice, deny=["ATTACH_FILES"])
    with pytest.raises(InvalidInput):
        await env.sim.say(env.alice, env.general, "look", attachments=["x.txt"])
