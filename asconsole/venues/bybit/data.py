"""BybitFeed: the public linear WebSocket as a stream of market events.

Order book: a snapshot resets the book; each delta must carry `u` = previous `u` + 1 and a
`seq` that does not go backwards, otherwise the book has a gap: the feed reports
`FeedStatus(connected=False)`, resubscribes the book topic (Bybit answers with a snapshot) and
drops deltas until it arrives. `u == 1` means Bybit restarted the book service: that message is
a snapshot whatever its type says. After every snapshot that ends an outage the feed reports
`FeedStatus(connected=True)`.

Connection: `{"op":"ping"}` every 20 s; a socket silent for two ping periods is treated as dead.
A lost socket yields `FeedStatus(connected=False)`, then reconnects with exponential backoff and
jitter and resubscribes, which brings a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from asconsole.clock import NS_PER_S, Clock, WallClock
from asconsole.domain import (
    BookDelta,
    BookSnapshot,
    FeedStatus,
    Instrument,
    MarketEvent,
    MarkPrice,
    Trade,
)
from asconsole.venues import net
from asconsole.venues.base import VenueError
from asconsole.venues.bybit.messages import parse_book, parse_mark, parse_trades
from asconsole.venues.bybit.ws import keepalive

log = logging.getLogger(__name__)


class BybitFeed:
    def __init__(
        self,
        instrument: Instrument,
        url: str,
        *,
        depth: int = 50,
        proxy: net.Proxy | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        ping_s: float = 20.0,
        data_timeout_s: float = 30.0,
    ) -> None:
        self.instrument = instrument
        self.url = url
        self.proxy = proxy
        self.ping_s = ping_s
        self.data_timeout_s = data_timeout_s
        """A socket that answers pings but carries no market data this long is reconnected:
        a stalled stream must not leave the engine dark (its quotes are already pulled)."""
        self._clock = clock or WallClock()
        self._backoff = net.Backoff(rng or random.Random(), base=0.5, cap=30.0)
        self._tasks = net.Tasks()
        self._ws: ClientConnection | None = None
        self._stopped = False
        self._stop_requested = asyncio.Event()
        self._last_rx = 0
        self._last_data = 0
        self._u: int | None = None
        self._seq = 0
        self._req = 0
        self.resync_needed = False
        sym = instrument.symbol
        self.book_topic = f"orderbook.{depth}.{sym}"
        self.trade_topic = f"publicTrade.{sym}"
        self.ticker_topic = f"tickers.{sym}"
        self.resyncs = 0
        self.reconnects = 0

    async def start(self) -> None:
        try:
            self._ws = await self._connect()
        except net.NETWORK_ERRORS as exc:
            via = f" via {self.proxy}" if self.proxy else ""
            raise VenueError(
                f"cannot connect to Bybit market data {self.url}{via}: {net.describe(exc)}"
            ) from exc

    async def stop(self) -> None:
        self._stopped = True
        self._stop_requested.set()
        await self._tasks.cancel_all()
        if self._ws is not None:
            await self._ws.close()

    async def _connect(self) -> ClientConnection:
        ws = await net.ws_connect(self.url, self.proxy)
        self._u = None
        self._last_rx = self._last_data = self._clock.now()
        await self._send(ws, "subscribe", [self.book_topic, self.trade_topic, self.ticker_topic])
        self._tasks.spawn(f"bybit-feed-ping-{id(ws)}", self._keepalive(ws))
        self._tasks.spawn(f"bybit-feed-data-{id(ws)}", self._watch_data(ws))
        return ws

    async def _send(self, ws: ClientConnection, op: str, args: list[str]) -> None:
        self._req += 1
        await ws.send(json.dumps({"req_id": str(self._req), "op": op, "args": args}))

    async def _keepalive(self, ws: ClientConnection) -> None:
        await keepalive(ws, self.ping_s, self._clock, lambda: self._last_rx, "public")

    async def _watch_data(self, ws: ClientConnection) -> None:
        limit = int(self.data_timeout_s * NS_PER_S)
        try:
            while True:
                await asyncio.sleep(self.data_timeout_s / 4)
                if self._clock.now() - self._last_data > limit:
                    log.warning("Bybit public feed: no market data for %.0f s: reconnecting",
                                self.data_timeout_s)
                    await ws.close()
                    return
        except net.NETWORK_ERRORS:
            return

    async def events(self) -> AsyncIterator[MarketEvent]:
        while not self._stopped:
            ws = self._ws
            if ws is None:
                ws = await self._reconnect()
                if ws is None:
                    return
            reason = "socket closed"
            try:
                async for raw in ws:
                    for event in self.handle(raw):
                        yield event
                    if self.resync_needed:
                        self.resync_needed = False
                        await self._send(ws, "unsubscribe", [self.book_topic])
                        await self._send(ws, "subscribe", [self.book_topic])
            except ConnectionClosed as exc:
                reason = f"socket closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
            except net.NETWORK_ERRORS as exc:
                reason = f"socket error: {exc}"
            self._ws = None
            if self._stopped:
                return
            log.warning("Bybit public feed lost: %s", reason)
            yield FeedStatus(self._clock.now(), False, reason)

    async def _reconnect(self) -> ClientConnection | None:
        """Reconnect after a backoff delay; None once `stop()` was called (which also cuts the
        delay short, so stopping never waits out a 30 s backoff)."""
        while not self._stopped:
            try:
                await asyncio.wait_for(self._stop_requested.wait(), self._backoff.next_delay())
                return None
            except TimeoutError:
                pass
            try:
                self._ws = await self._connect()
                self.reconnects += 1
                return self._ws
            except net.NETWORK_ERRORS as exc:
                log.warning("Bybit public reconnect failed: %s", exc)
        return None

    def handle(self, raw: str | bytes) -> list[MarketEvent]:
        """One raw message to market events (the socket loop uses it; so can a replay of raw
        captures or a benchmark). Sets `resync_needed` when the book must be resubscribed."""
        self._last_rx = self._clock.now()
        msg: dict[str, Any] = json.loads(raw)
        topic = msg.get("topic")
        if topic is None:
            if msg.get("op") == "subscribe" and msg.get("success") is False:
                raise VenueError(f"Bybit refused the subscription: {msg.get('ret_msg')}")
            return []
        self._last_data = self._last_rx
        if topic == self.book_topic:
            return self._on_book(msg)
        if topic == self.trade_topic:
            return [Trade(t.ts, t.side, t.price, t.qty) for t in parse_trades(msg, self.instrument)]
        if topic == self.ticker_topic:
            mark = parse_mark(msg, self.instrument)
            return [MarkPrice(*mark)] if mark else []
        return []

    def _on_book(self, msg: dict[str, Any]) -> list[MarketEvent]:
        book = parse_book(msg, self.instrument)
        if book.snapshot:
            resumed = self._u is None
            self._u, self._seq = book.u, book.seq
            self._backoff.reset()
            out: list[MarketEvent] = [BookSnapshot(book.ts, book.bids, book.asks, seq=book.u)]
            if resumed:
                out.append(FeedStatus(self._clock.now(), True, "book synced"))
            return out
        if self._u is None:
            return []  # waiting for the snapshot after a resync
        prev = self._u
        if book.u != prev + 1 or book.seq < self._seq:
            log.warning("Bybit book gap: u %d after %d: resyncing", book.u, prev)
            self._u = None
            self.resyncs += 1
            self.resync_needed = True
            return [FeedStatus(self._clock.now(), False, f"book gap (u {book.u} after {prev})")]
        self._u, self._seq = book.u, book.seq
        return [BookDelta(book.ts, book.bids, book.asks, seq=book.u, prev_seq=prev)]
