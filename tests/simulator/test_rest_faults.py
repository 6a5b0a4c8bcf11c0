"""REST faults on demand, and how the real client copes with each."""

from __future__ import annotations

import time

import aiohttp
import pytest

from .conftest import Env

MESSAGES = r"/channels/\d+/messages$"


async def test_429_client_waits_and_retries(env: Env) -> None:
    env.sim.faults.add("POST", MESSAGES, 429, retry_after=0.3)
    started = time.perf_counter()
    reply = await env.sim.command(env.alice, "say", {"text": "after a rate limit"})
    assert reply.content == "said" and time.perf_counter() - started >= 0.3
    statuses = [r.status for r in env.sim.requests if r.method == "POST" and "/messages" in r.path]
    assert statuses == [429, 200]
    assert [m.content for m in env.sim.messages_in(env.general)] == ["after a rate limit"]


async def test_global_429_carries_via_and_global(env: Env) -> None:
    env.sim.faults.add("POST", MESSAGES, 429, retry_after=0.1, global_=True)
    url = f"{env.sim.rest_url}/channels/{env.general.id}/messages"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            url,
            json={"content": "x", "allowed_mentions": {"parse": []}},
            headers={"Authorization": f"Bot {env.sim.token}"},
        ) as resp:
            body = await resp.json()
            assert resp.status == 429 and resp.headers["Via"] == "1.1 google"
    assert body["global"] is True and body["retry_after"] == 0.1


async def test_500_after_effect_then_retry_dedupes_by_nonce(env: Env) -> None:
    fault = env.sim.faults.add("POST", MESSAGES, 500, after_effect=True)
    reply = await env.sim.command(env.alice, "say", {"text": "exactly once"}, timeout=5)
    assert reply.content == "said" and fault.hits == 1
    posts = [r for r in env.sim.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [p.status for p in posts] == [500, 200]
    assert posts[0].json["nonce"] == posts[1].json["nonce"] and posts[0].json["enforce_nonce"]
    assert [m.content for m in env.sim.messages_in(env.general)] == ["exactly once"]
    assert env.sim.nonce_hits == 1


async def test_403_missing_permissions_is_forbidden(env: Env) -> None:
    env.guild.deny_bot(env.general, "SEND_MESSAGES")
    reply = await env.sim.command(env.alice, "say", {"text": "hi"})
    assert reply.content == "failed: Forbidden 403 50013"
    env.guild.allow_bot(env.general, "SEND_MESSAGES")
    env.sim.faults.add("POST", MESSAGES, 403, code=50001, message="Missing Access")
    assert (await env.sim.command(env.alice, "say", {"text": "hi"})).content == (
        "failed: Forbidden 403 50001"
    )
    assert (await env.sim.command(env.alice, "say", {"text": "hi"})).content == "said"


async def test_deleted_channel_is_not_found_10003(env: Env) -> None:
    gone = env.pairing.id
    env.guild.delete_channel(gone)
    await env.sim.gateway.wait_until(lambda: env.bot.get_channel(gone) is None, 2)
    reply = await env.sim.command(env.alice, "post", {"channel_id": str(gone), "text": "hello?"})
    assert reply.content == "failed: NotFound 404 10003"


async def test_added_latency(env: Env) -> None:
    env.sim.faults.add(None, r"/callback$", delay=0.3)
    started = time.perf_counter()
    reply = await env.sim.command(env.alice, "concept", {"name": "latency"})
    assert reply.content == "concept: latency" and time.perf_counter() - started >= 0.3


async def test_callback_after_the_window_is_10062(env: Env) -> None:
    env.sim.interaction_window = 0.2
    with pytest.raises(TimeoutError, match="10062 Unknown interaction"):
        await env.sim.command(env.alice, "sleepy", {"seconds": 0.4}, timeout=1.5)
    assert (await env.sim.command(env.alice, "sleepy", {"seconds": 0})).content == "finally"


async def test_second_acknowledgement_is_40060(env: Env) -> None:
    reply = await env.sim.command(env.alice, "concept", {"name": "once"})
    record = env.sim.registry.by_id[reply.interaction_id]
    url = f"{env.sim.rest_url}/interactions/{record.id}/{record.token}/callback"
    body = {"type": 4, "data": {"content": "again", "allowed_mentions": {"parse": []}}}
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 40060


async def test_wrong_token_is_401(env: Env) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{env.sim.rest_url}/users/@me", headers={"Authorization": "Bot wrong"}
        ) as resp:
            assert resp.status == 401
            assert resp.headers["Content-Type"] == "application/json"
