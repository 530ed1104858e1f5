"""The network seam of the MEXC adapter: everything here is venue-independent and is meant
to be served by `asconsole/venues/net.py` once it lands (WebSocket and HTTP through an
optional SOCKS5 proxy, reconnect delays). The MEXC modules import only these names."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterator

import aiohttp
from aiohttp_socks import ProxyConnector
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

CONNECTION_ERRORS = (OSError, WebSocketException, asyncio.TimeoutError)
"""What a lost or refused connection raises; a connection loop catches these and reconnects."""


async def connect_ws(url: str, proxy: str) -> ClientConnection:
    """Open a WebSocket, through `proxy` (socks5://...) when given, never via environment
    proxies. Keep-alive is the caller's (MEXC wants its own JSON PING), so protocol pings are off."""
    return await connect(
        url, proxy=proxy or None, ping_interval=None, open_timeout=10, max_size=4 * 2**20
    )


def http_session(proxy: str) -> aiohttp.ClientSession:
    """An HTTP session, through `proxy` when given; remote DNS so the proxy resolves names."""
    connector = ProxyConnector.from_url(proxy, rdns=True) if proxy else None
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10), trust_env=False
    )


def reconnect_delays(first: float = 0.5, cap: float = 30.0) -> Iterator[float]:
    """Exponential backoff with full jitter: spreads reconnects so a venue outage does not
    end in a synchronized stampede that trips connection limits."""
    ceiling = first
    while True:
        yield random.uniform(first / 2, ceiling)
        ceiling = min(cap, ceiling * 2)


async def started(task: asyncio.Task[None], ready: asyncio.Event, timeout: float) -> bool:
    """Wait until a connection loop signals `ready`. False when it did not within `timeout`
    (the loop is then cancelled); the loop's own failure is raised as it is."""
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait({waiter, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if ready.is_set():
        return True
    if task.done():
        task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
