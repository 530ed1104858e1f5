"""Signed Bybit v5 REST calls with server-time offset and client-side rate limits.

Every request is built once as a string (sorted query string or compact JSON body), signed,
and sent as exactly those bytes. Transport failures come back as a `Reply` with code -1, so a
caller handles "the venue said no" and "the network said no" on one path.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
from typing import Any
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from asconsole.clock import NS_PER_MS, Clock
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.bybit.auth import rest_headers
from asconsole.venues.bybit.messages import Reply
from asconsole.venues.credentials import Credentials

log = logging.getLogger(__name__)

TRANSPORT_ERROR = -1
PROXY_REFUSED = -2
"""The proxy refused us (wrong password, rules): configuration, so never retried."""
FORBIDDEN = -403
FORBIDDEN_TEXT = (
    "HTTP 403: this IP went over 600 requests per 5 s (wait some minutes), or Bybit does not "
    "serve this IP's region (use a proxy elsewhere)"
)
RATE_LIMITED = 10006
TIMESTAMP_ERROR = 10002

# Per-UID limits per endpoint (requests per second); anything not listed shares the IP budget only.
ENDPOINT_RATES: dict[str, float] = {
    "/v5/order/create": 10,
    "/v5/order/amend": 10,
    "/v5/order/cancel": 10,
    "/v5/order/cancel-all": 10,
    "/v5/order/realtime": 50,
    "/v5/position/list": 50,
    "/v5/account/wallet-balance": 50,
    "/v5/execution/list": 50,
}
IP_RATE = 600 / 5
TRANSPORT_FAILURES: tuple[type[BaseException], ...] = (*net.NETWORK_ERRORS, ValueError)
"""The network failed, or what came back was not a JSON envelope (a proxy's or CDN's page)."""


class RestClient:
    """One HTTP session to one Bybit REST base URL."""

    def __init__(
        self,
        base_url: str,
        clock: Clock,
        *,
        creds: Credentials | None = None,
        recv_window_ms: int = 5000,
        proxy: net.Proxy | None = None,
        rng: random.Random | None = None,
        timeout: float = 10.0,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.creds = creds
        self.recv_window_ms = recv_window_ms
        self.offset_ms = 0
        self._clock = clock
        self._proxy = proxy
        self._timeout = timeout
        self._trace_configs = trace_configs
        self._session: aiohttp.ClientSession | None = None
        self._ip_bucket = net.TokenBucket(IP_RATE, IP_RATE, clock)
        self._buckets: dict[str, net.TokenBucket] = {}
        self._backoff = net.Backoff(rng or random.Random(0), base=1.0, cap=60.0)
        self.rate_limited = 0
        """How many 10006 / HTTP 429 answers were seen (for the UI and tests)."""

    def bucket(self, path: str) -> net.TokenBucket:
        b = self._buckets.get(path)
        if b is None:
            rate = ENDPOINT_RATES.get(path, 10)
            b = self._buckets[path] = net.TokenBucket(rate, rate, self._clock)
        return b

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = net.http_session(
                self._proxy, timeout=self._timeout, trace_configs=self._trace_configs
            )
        return self._session

    def now_ms(self) -> int:
        """Bybit's clock as we estimate it."""
        return self._clock.now() // NS_PER_MS + self.offset_ms

    async def sync_time(self) -> int:
        """Measure the offset of Bybit's clock from ours (midpoint of the round trip)."""
        before = self._clock.now() // NS_PER_MS
        reply = await self.request("GET", "/v5/market/time", signed=False)
        after = self._clock.now() // NS_PER_MS
        if not reply.ok:
            raise VenueError(f"cannot read Bybit server time: {reply.explain()}")
        nano = reply.result.get("timeNano")
        server_ms = int(nano) // 1_000_000 if nano else reply.time_ms
        self.offset_ms = server_ms - (before + after) // 2
        return self.offset_ms

    async def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Reply:
        return await self.request("GET", path, params or {}, **kw)

    async def post(self, path: str, body: dict[str, Any], **kw: Any) -> Reply:
        return await self.request("POST", path, body, **kw)

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        signed: bool = True,
        retries: int = 0,
    ) -> Reply:
        """Send one request. `retries` re-sends after a rate limit (waiting it out) or a lost
        connection; a timestamp error re-measures the clock offset and re-sends once."""
        params = params or {}
        resynced = False
        while True:
            reply, reset_ms = await self._send_once(method, path, params, signed)
            if reply.code == TIMESTAMP_ERROR and not resynced:
                resynced = True
                try:
                    await self.sync_time()
                except VenueError:
                    return reply
                continue
            if reply.code == RATE_LIMITED:
                self.rate_limited += 1
                wait = self._rate_limit_wait(reset_ms)
                log.warning("Bybit rate limit on %s: holding requests for %.2f s", path, wait)
                self.bucket(path).block_for(wait)
            elif reply.code != TRANSPORT_ERROR:
                self._backoff.reset()
                return reply
            if retries <= 0:
                return reply
            retries -= 1
            if reply.code == TRANSPORT_ERROR:
                await asyncio.sleep(min(self._backoff.next_delay(), 2.0))

    def _rate_limit_wait(self, reset_ms: int | None) -> float:
        """Until the reset Bybit named (its clock), else the next backoff step."""
        if reset_ms is not None:
            wait = (reset_ms - self.now_ms()) / 1000
            if 0 < wait < 60:
                return wait
        return self._backoff.next_delay()

    async def _send_once(
        self, method: str, path: str, params: dict[str, Any], signed: bool
    ) -> tuple[Reply, int | None]:
        await self._ip_bucket.acquire()
        await self.bucket(path).acquire()
        sent_ms = self.now_ms()
        reply, reset = await self._exchange(method, path, params, signed, sent_ms)
        return dataclasses.replace(reply, sent_ms=sent_ms), reset

    async def _exchange(
        self, method: str, path: str, params: dict[str, Any], signed: bool, now_ms: int
    ) -> tuple[Reply, int | None]:
        if method == "GET":
            payload = urlencode(sorted(params.items()))
            url = URL(f"{self.base_url}{path}" + (f"?{payload}" if payload else ""), encoded=True)
            data = None
        else:
            payload = json.dumps(params, separators=(",", ":"))
            url = URL(f"{self.base_url}{path}", encoded=True)
            data = payload.encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            if self.creds is None:
                raise RuntimeError(f"{path} needs API keys")
            headers = rest_headers(self.creds, now_ms, self.recv_window_ms, payload)
        try:
            async with self._http().request(method, url, data=data, headers=headers) as resp:
                reset = resp.headers.get("X-Bapi-Limit-Reset-Timestamp")
                if resp.status == 429:
                    return Reply(RATE_LIMITED, "HTTP 429: system-level throttling", {}, 0), None
                if resp.status == 403:
                    self._ip_bucket.block_for(self._backoff.next_delay())
                    return Reply(FORBIDDEN, FORBIDDEN_TEXT, {}, 0), None
                text = await resp.text()
            body = json.loads(text)
        except net.PROXY_REFUSALS as exc:
            return Reply(PROXY_REFUSED, f"proxy refused: {net.describe(exc)}", {}, 0), None
        except TRANSPORT_FAILURES as exc:
            return Reply(TRANSPORT_ERROR, f"network: {net.describe(exc)}", {}, 0), None
        return Reply.parse(body), int(reset) if reset else None
