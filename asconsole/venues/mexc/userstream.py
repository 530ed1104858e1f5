"""The MEXC user data stream: a listenKey from POST /api/v3/userDataStream, a WebSocket on
`<ws_url>?listenKey=...` subscribed to the private order, deal and account channels, a PUT
every `listen_key_keepalive_s` (MEXC keys live 60 min), and a new key whenever the old one
cannot be extended (it expired, or the venue forgot it). After every reconnection the owner's
`on_reconnect` runs before any push is delivered, so it can reconcile what was missed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable

from websockets.asyncio.client import ClientConnection

from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.mexc import messages as m
from asconsole.venues.mexc.config import MexcSettings
from asconsole.venues.mexc.pb.mexc_push_pb2 import PushDataV3ApiWrapper
from asconsole.venues.mexc.rest import MexcApiError, MexcRest

log = logging.getLogger(__name__)

PATH = "/api/v3/userDataStream"
SILENCE_LIMIT_S = 2 * m.PING_INTERVAL_S + 5
START_TIMEOUT_S = 20.0


class UserStream:
    def __init__(
        self,
        settings: MexcSettings,
        rest: MexcRest,
        on_push: Callable[[PushDataV3ApiWrapper], None],
        on_reconnect: Callable[[], Awaitable[None]],
        on_down: Callable[[str], None],
        *,
        proxy: net.Proxy | None,
        rng: random.Random,
    ) -> None:
        self._settings = settings
        self._proxy = proxy
        self._backoff = net.Backoff(rng)
        self._rest = rest
        self._on_push = on_push
        self._on_reconnect = on_reconnect
        self._on_down = on_down
        self._key: str | None = None
        self._ws: ClientConnection | None = None
        self._connected = asyncio.Event()
        self._tasks = net.Tasks()
        self.connections = 0
        self.keys_created = 0

    @property
    def connected(self) -> bool:
        return self._ws is not None

    async def start(self) -> None:
        """Returns once the first connection is subscribed."""
        run = self._tasks.spawn("mexc-user-stream", self._run())
        self._tasks.spawn("mexc-listen-key-keepalive", self._keep_alive())
        if not await net.wait_ready(run, self._connected, START_TIMEOUT_S):
            await self._tasks.cancel_all()
            raise VenueError(f"MEXC user data stream not connected within {START_TIMEOUT_S:.0f} s")

    async def stop(self) -> None:
        await self._tasks.cancel_all()
        if self._key is not None:
            with contextlib.suppress(VenueError):
                await self._rest.signed("DELETE", PATH, {"listenKey": self._key})
            self._key = None

    async def _run(self) -> None:
        while True:
            try:
                if self._key is None:
                    self._key = await self._new_key()
                url = f"{self._settings.ws_url}?listenKey={self._key}"
                ws = await net.ws_connect(url, self._proxy, max_size=m.MAX_FRAME)
            except m.SESSION_ENDED as exc:
                # the type only: the text may carry the URL, and the listenKey in it
                self._on_down(f"user stream connect failed: {type(exc).__name__}")
                self._key = await self._extended_or_none()
                await asyncio.sleep(self._backoff.next_delay())
                continue
            self._ws = ws
            try:
                await ws.send(m.subscribe_frame(m.PRIVATE_CHANNELS))
                if self.connections:
                    await self._on_reconnect()
                self.connections += 1
                self._connected.set()
                self._backoff.reset()
                await self._read(ws)
            except m.SESSION_ENDED as exc:
                self._on_down(f"user stream lost: {type(exc).__name__}: {exc}")
            finally:
                self._ws = None
                await ws.close()
            self._key = await self._extended_or_none()
            await asyncio.sleep(self._backoff.next_delay())

    async def _read(self, ws: ClientConnection) -> None:
        pinger = self._tasks.spawn("mexc-user-stream-ping", self._ping(ws))
        try:
            while True:
                async with asyncio.timeout(SILENCE_LIMIT_S):  # wait_for can swallow a cancel on 3.11
                    frame = await ws.recv()
                if isinstance(frame, bytes):
                    self._on_push(m.decode_push(frame))
                else:
                    m.check_control(frame)
        finally:
            pinger.cancel()

    @staticmethod
    async def _ping(ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(m.PING_INTERVAL_S)
            await ws.send(m.PING_FRAME)

    async def _keep_alive(self) -> None:
        """Extend the key; when it cannot be extended, drop it and the connection that uses
        it so the run loop comes back with a new key."""
        while True:
            await asyncio.sleep(self._settings.listen_key_keepalive_s)
            if self._key is None:
                continue
            self._key = await self._extended_or_none()
            if self._key is None and self._ws is not None:
                await self._ws.close()

    async def _new_key(self) -> str:
        reply = await self._rest.signed("POST", PATH)
        self.keys_created += 1
        return str(reply["listenKey"])

    async def _extended_or_none(self) -> str | None:
        if self._key is None:
            return None
        try:
            await self._rest.signed("PUT", PATH, {"listenKey": self._key})
        except MexcApiError as exc:
            if exc.outcome_unknown:  # the venue did not say the key is gone: keep it
                return self._key
            log.info("MEXC listenKey could not be extended (%s); a new one will be made", exc.code)
            return None
        except VenueError:  # rate limited: keep the key, try again later
            return self._key
        return self._key
