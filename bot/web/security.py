"""Security headers on every response, and a request rate limit per client.

The Content-Security-Policy allows nothing but this site's own stylesheet and images:
no script at all (the hub needs none), no inline style, no frames, forms only to itself.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from aiohttp import web
from aiohttp.typedefs import Middleware

CSP = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = MappingProxyType(
    {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    }
)


async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response, static files and error pages included."""
    for name, value in HEADERS.items():
        response.headers[name] = value
    response.headers["Server"] = "Nexus"  # not aiohttp's and Python's versions


@dataclass
class RateLimiter:
    """A token bucket per client address: `per_minute` requests a minute on average,
    bursts up to `burst`. Remembers at most `clients` addresses (the least recently seen
    are forgotten: a forgotten client starts with a full bucket)."""

    per_minute: float
    burst: int
    clients: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _buckets: OrderedDict[str, tuple[float, float]] = field(default_factory=OrderedDict)

    def take(self, client: str) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        now = self.clock()
        rate = self.per_minute / 60.0
        tokens, last = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.clients:
            self._buckets.popitem(last=False)
        return wait


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def client_of(request: web.Request, behind_proxy: bool) -> str:
    """Whom a request counts against: the peer, or behind our own reverse proxy the
    address the proxy appended to X-Forwarded-For (the last one: earlier entries are
    whatever the client sent)."""
    if behind_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return request.remote or "?"


def rate_limit_middleware(limiter: RateLimiter, behind_proxy: bool = False) -> Middleware:
    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        wait = limiter.take(client_of(request, behind_proxy))
        if wait > 0:
            return web.Response(
                status=429,
                text="Too many requests: wait a little and try again.\n",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        return await handler(request)

    return limit
