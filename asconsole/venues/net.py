"""Network plumbing shared by every venue adapter.

One place for what each venue needs and must get right the same way:

- `proxy_url` / `redact`: the SOCKS5 proxy from config or `$SOCKS5_PROXY`, and a form of a URL that
  is safe to log (the password never leaves this module in a message).
- `ws_connect`: a WebSocket client connection, direct or through the proxy.
- `http_session`: an aiohttp `ClientSession`, direct or through the proxy.
- `Backoff`: exponential reconnect delays, jittered by a seeded `random.Random`, so a test
  (or a replay) sees the same delays every time.
- `TokenBucket`: a client-side rate limiter on an injected clock.
- `Tasks` / `spawn`: every background task is created through one helper that names it, keeps a
  reference (asyncio only keeps weak ones) and reports its failure.
- `wait_ready`: bound how long a start() waits for a background connection loop to come up.

Proxy URLs: `socks5://user:pass@host:port` resolves host names locally, `socks5h://...` lets the
proxy resolve them (what the seed used). Both carry optional username/password (RFC 1929).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import aiohttp_socks
import python_socks
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import WebSocketException

from asconsole.clock import NS_PER_S, Clock

log = logging.getLogger(__name__)

PROXY_ENV = "SOCKS5_PROXY"
PROXY_SCHEMES = ("socks5", "socks5h")

NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    aiohttp.ClientError,
    WebSocketException,
    python_socks.ProxyError,
    aiohttp_socks.ProxyError,
)
"""What a failed network path raises (refused, reset, timed out, handshake or proxy refused):
the errors a reconnect loop retries. Anything else is a bug and propagates."""

PROXY_REFUSALS: tuple[type[BaseException], ...] = (
    python_socks.ProxyError,
    aiohttp_socks.ProxyError,
)
"""The proxy answered and said no (bad credentials, forbidden target): retrying won't help."""


def describe(exc: BaseException) -> str:
    """One line for an operator: the error and what caused it (websockets wraps the proxy's
    own refusal, e.g. a wrong password, as the cause of a generic "failed to connect")."""
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return text


class ProxyError(ValueError):
    """A proxy URL that cannot be used; the message never contains the password."""


@dataclass(frozen=True, slots=True)
class Proxy:
    """A parsed SOCKS5 proxy. `remote_dns` is true for socks5h."""

    host: str
    port: int
    username: str | None
    password: str | None
    remote_dns: bool
    url: str

    def __repr__(self) -> str:
        return f"Proxy({redact(self.url)})"

    __str__ = __repr__


def redact(url: str) -> str:
    """The URL with any password replaced by ***, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return parts._replace(netloc=f"{user}:***@{host}{port}").geturl()


def proxy_url(configured: str = "", env: dict[str, str] | None = None) -> Proxy | None:
    """The proxy to use: the configured URL, else `$SOCKS5_PROXY`, else None (direct)."""
    raw = configured or (os.environ if env is None else env).get(PROXY_ENV, "")
    if not raw:
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise ProxyError(f"proxy URL {redact(raw)!r} is not valid") from None
    if parts.scheme not in PROXY_SCHEMES:
        raise ProxyError(
            f"proxy URL {redact(raw)!r}: scheme must be one of {', '.join(PROXY_SCHEMES)}"
        )
    if not parts.hostname or port is None:
        raise ProxyError(f"proxy URL {redact(raw)!r} needs a host and a port")
    return Proxy(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        remote_dns=parts.scheme == "socks5h",
        url=raw,
    )


async def ws_connect(
    url: str,
    proxy: Proxy | None = None,
    *,
    open_timeout: float = 10.0,
    close_timeout: float = 1.0,
    max_size: int | None = 2**24,
) -> ClientConnection:
    """Open a WebSocket. Keepalive pings are the venue's job (Bybit's and MEXC's pings are
    application messages), so the library's own pings are off. `max_size` bounds one message
    (a venue's largest push sets it). With
    `proxy=None` the connection is direct even when the environment names an HTTP proxy: the
    only proxy used is the one asked for. A short `close_timeout` keeps shutdown bounded when the
    peer never answers the close."""
    return await websockets.connect(
        url,
        proxy=proxy.url if proxy else None,
        open_timeout=open_timeout,
        close_timeout=close_timeout,
        ping_interval=None,
        max_size=max_size,
        compression=None,
    )


def http_session(
    proxy: Proxy | None = None,
    *,
    timeout: float = 10.0,
    trace_configs: list[aiohttp.TraceConfig] | None = None,
) -> aiohttp.ClientSession:
    """An aiohttp session, direct or through the SOCKS5 proxy (aiohttp-socks' connector: aiohttp
    has no SOCKS support of its own). Environment proxies are ignored for the same reason as in
    `ws_connect`. `trace_configs` lets a benchmark see when a request's bytes leave. Must be
    created inside a running event loop."""
    connector: aiohttp.BaseConnector | None = None
    if proxy is not None:
        connector = aiohttp_socks.ProxyConnector(
            proxy_type=aiohttp_socks.ProxyType.SOCKS5,
            host=proxy.host,
            port=proxy.port,
            username=proxy.username,
            password=proxy.password,
            rdns=proxy.remote_dns,
        )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout),
        trust_env=False,
        trace_configs=trace_configs,
    )


class Backoff:
    """Reconnect delays: min(cap, base * 2**attempt) scaled by a uniform jitter in [0.5, 1],
    so a fleet of clients does not reconnect in lockstep yet the wait never collapses to zero."""

    __slots__ = ("_rng", "attempt", "base", "cap")

    def __init__(self, rng: random.Random, base: float = 0.5, cap: float = 30.0) -> None:
        self.base = base
        self.cap = cap
        self._rng = rng
        self.attempt = 0

    def next_delay(self) -> float:
        delay: float = min(self.cap, self.base * 2.0**self.attempt)
        self.attempt += 1
        return delay * self._rng.uniform(0.5, 1.0)

    def reset(self) -> None:
        """Call after a connection proved healthy (e.g. delivered data)."""
        self.attempt = 0


class TokenBucket:
    """`rate` tokens per second, at most `burst` held. Time comes from the injected clock, so
    tests drive it with an `EventClock`. `block_for` holds every request back (a venue said
    "rate limited" and named when it resets)."""

    __slots__ = ("_blocked_until", "_clock", "_last", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, clock: Clock) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock.now()
        self._blocked_until = 0

    def _refill(self, now: int) -> None:
        if now > self._last:
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate / NS_PER_S)
            self._last = now

    def delay(self, tokens: float = 1.0) -> float:
        """Seconds until `tokens` could be taken (0 when they can be taken now)."""
        now = self._clock.now()
        self._refill(now)
        wait_block = max(0, self._blocked_until - now) / NS_PER_S
        short = max(0.0, tokens - self._tokens)
        return max(wait_block, short / self.rate)

    def try_take(self, tokens: float = 1.0) -> bool:
        if self.delay(tokens) > 0:
            return False
        self._tokens -= tokens
        return True

    async def acquire(self, tokens: float = 1.0) -> float:
        """Wait until `tokens` can be taken and take them; returns the seconds waited."""
        waited = 0.0
        while True:
            d = self.delay(tokens)
            if d <= 0:
                self._tokens -= tokens
                return waited
            await asyncio.sleep(d)
            waited += d

    def block_for(self, seconds: float) -> None:
        """No tokens for `seconds` from now, and the bucket restarts empty."""
        now = self._clock.now()
        self._blocked_until = max(self._blocked_until, now + int(seconds * NS_PER_S))
        self._tokens = 0.0
        self._last = max(self._last, self._blocked_until)


ErrorHandler = Callable[[str, BaseException], None]


class Tasks:
    """Named background tasks with strong references and one failure path.

    A task that ends with an exception (other than cancellation) is logged with its name and
    passed to `on_error`, so a feed that dies is reported instead of vanishing silently."""

    __slots__ = ("_tasks", "on_error")

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_error = on_error

    def spawn(self, name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("task %s failed: %s", task.get_name(), exc, exc_info=exc)
        if self.on_error is not None:
            self.on_error(task.get_name(), exc)

    def __len__(self) -> int:
        return len(self._tasks)

    async def cancel_all(self, timeout: float = 2.0) -> None:
        """Cancel every task and wait (bounded) for them to finish."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)


_default_tasks = Tasks()


def spawn(name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Create a named, referenced, failure-reporting task in the process-wide `Tasks`.
    Components that stop their own tasks own a `Tasks` instead."""
    return _default_tasks.spawn(name, coro)


async def wait_ready(task: asyncio.Task[Any], ready: asyncio.Event, timeout: float) -> bool:
    """Wait until the connection loop `task` sets `ready`. False when it did not within
    `timeout` (the loop is then cancelled and awaited); when the loop itself ended first, its
    exception is raised as it is, so a start() reports the real cause."""
    waiter = spawn(f"{task.get_name()}-ready", ready.wait())
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
