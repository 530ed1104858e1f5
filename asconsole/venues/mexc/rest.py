"""MEXC REST client: signing, server-time offset, error decoding, the per-endpoint rate limit
and the Retry-After gate.

MEXC allows 500 requests per 10 s on each endpoint. Each endpoint gets a `net.TokenBucket` of
`ENDPOINT_BURST` tokens refilled at `(ENDPOINT_LIMIT - ENDPOINT_BURST) / ENDPOINT_WINDOW_S` per
second, so no 10 s window can hold more than the limit (burst + refill = 500), and a request
over it waits for its token instead of earning a 429.
MEXC answers a request over the rate limit with 429 and a Retry-After; a client that keeps
sending during that wait gets 418 and an IP ban of minutes to days. After a 429 this client
sends nothing until the wait is over: calls made meanwhile raise `RateLimited` at once (the
broker turns that into a rejection; `stop` waits it out)."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from asconsole.clock import NS_PER_MS, NS_PER_S, Clock
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.credentials import Credentials, sign
from asconsole.venues.mexc.messages import TIMESTAMP_OUTSIDE_WINDOW

log = logging.getLogger(__name__)

Params = dict[str, str | int]

ENDPOINT_LIMIT = 500
ENDPOINT_WINDOW_S = 10.0
ENDPOINT_BURST = 50


class MexcApiError(VenueError):
    """MEXC refused a request: HTTP status and MEXC code (`code` 0 when the body had none)."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(f"MEXC {status} code {code}: {msg}")
        self.status = status
        self.code = code
        self.msg = msg

    @property
    def outcome_unknown(self) -> bool:
        """5xx: MEXC says the request may have been executed."""
        return self.status >= 500


class RateLimited(VenueError):
    def __init__(self, wait_s: float) -> None:
        super().__init__(f"MEXC rate limit: retry after {wait_s:.1f} s")
        self.wait_s = wait_s


class MexcRest:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        clock: Clock,
        credentials: Credentials | None = None,
        recv_window_ms: int = 5000,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._clock = clock
        self._credentials = credentials
        self._recv_window_ms = recv_window_ms
        self._offset_ms = 0
        self._blocked_until_ns = 0
        self._buckets: dict[str, net.TokenBucket] = {}

    @property
    def blocked_for_s(self) -> float:
        """Seconds left of a 429 Retry-After wait (0 when requests may go out)."""
        return max(0, self._blocked_until_ns - self._clock.now()) / NS_PER_S

    async def sync_time(self) -> None:
        """Measure the offset to the server clock so timestamps land inside recvWindow even
        when the local clock drifts."""
        sent = self._clock.now()
        reply = await self.public("GET", "/api/v3/time")
        local_ms = (sent + self._clock.now()) // 2 // NS_PER_MS
        self._offset_ms = int(reply["serverTime"]) - local_ms

    async def public(self, method: str, path: str, params: Params | None = None) -> Any:
        query = urlencode(params or {})
        return await self._send(method, path, query, {})

    async def signed(self, method: str, path: str, params: Params | None = None) -> Any:
        """All parameters, recvWindow and timestamp in the query string; the signature over
        exactly those bytes appended; empty body. A request refused for its timestamp (the
        local clock drifted) was not executed: it is sent once more after a new clock sync."""
        try:
            return await self._signed_once(method, path, params)
        except MexcApiError as exc:
            if exc.code != TIMESTAMP_OUTSIDE_WINDOW:
                raise
        log.warning("MEXC refused a timestamp; resyncing with the server clock")
        await self.sync_time()
        return await self._signed_once(method, path, params)

    async def _signed_once(self, method: str, path: str, params: Params | None) -> Any:
        if self._credentials is None:
            raise VenueError("MEXC signed request without credentials")
        ts = self._clock.now() // NS_PER_MS + self._offset_ms
        query = urlencode(
            {**(params or {}), "recvWindow": self._recv_window_ms, "timestamp": ts}
        )
        query += "&signature=" + sign(self._credentials.api_secret, query)
        headers = {"X-MEXC-APIKEY": self._credentials.api_key}
        return await self._send(method, path, query, headers)

    def bucket(self, path: str) -> net.TokenBucket:
        """The rate limiter of one endpoint (shared by its methods: the conservative reading)."""
        b = self._buckets.get(path)
        if b is None:
            rate = (ENDPOINT_LIMIT - ENDPOINT_BURST) / ENDPOINT_WINDOW_S
            b = self._buckets[path] = net.TokenBucket(rate, ENDPOINT_BURST, self._clock)
        return b

    async def _send(self, method: str, path: str, query: str, headers: dict[str, str]) -> Any:
        await self.bucket(path).acquire()
        wait = self.blocked_for_s
        if wait > 0:
            raise RateLimited(wait)
        url = URL(f"{self._base}{path}" + (f"?{query}" if query else ""), encoded=True)
        try:
            async with self._session.request(method, url, headers=headers) as resp:
                text = await resp.text()
                if resp.status in (418, 429):
                    return self._limited(resp.status, resp.headers.get("Retry-After"))
                return _decode(resp.status, text)
        except net.NETWORK_ERRORS as exc:
            # the exception text may hold the signed URL: name its type only
            raise MexcApiError(599, 0, f"{method} {path}: {type(exc).__name__}") from None

    def _limited(self, status: int, retry_after: str | None) -> Any:
        try:
            wait_s = max(1.0, float(retry_after or 0))
        except ValueError:
            wait_s = 60.0
        self._blocked_until_ns = self._clock.now() + int(wait_s * NS_PER_S)
        log.warning("MEXC answered %d; pausing requests for %.1f s", status, wait_s)
        raise RateLimited(wait_s)


def _decode(status: int, text: str) -> Any:
    try:
        body = json.loads(text) if text else None
    except json.JSONDecodeError:
        body = None
    code, msg = 0, text[:200]
    if isinstance(body, dict) and "code" in body:
        try:
            code = int(body["code"])
        except (TypeError, ValueError):
            code = 0
        msg = str(body.get("msg", ""))
    if status >= 400 or code not in (0, 200):
        raise MexcApiError(status, code, msg)
    return body
